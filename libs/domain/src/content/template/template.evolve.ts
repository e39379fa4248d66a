import { TemplateEvent } from '@app/events';
import { assertNever } from '../../shared/decider';
import { TemplateState } from './template.state';

export const initialTemplateState = (): TemplateState => ({ status: 'none' });

export function evolveTemplate(state: TemplateState, event: TemplateEvent): TemplateState {
  switch (event.type) {
    case 'TemplateCreated': {
      const { templateId, workspaceId, name, subject, body, variables } = event.data;
      return { status: 'active', templateId, workspaceId, name, subject, body, variables, revision: 0 };
    }
    case 'TemplateRevised':
      if (state.status !== 'active') return state;
      return { ...state, subject: event.data.subject, body: event.data.body, variables: event.data.variables, revision: event.data.revision };
    default:
      return assertNever(event, 'template event');
  }
}
