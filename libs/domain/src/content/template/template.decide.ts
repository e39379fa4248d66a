import { TemplateEvent } from '@app/events';
import { Decider, assertNever } from '../../shared/decider';
import { checkTemplate } from '../../shared/template-render';
import { InvalidTemplate, TemplateAlreadyExists, TemplateNotFound } from './template.errors';
import { evolveTemplate, initialTemplateState } from './template.evolve';
import { TemplateCommand, TemplateState } from './template.state';

const LIMITS = { name: 200, subject: 998, body: 100_000 };

function checkContent(subject: string, body: string): string[] {
  if (!subject.trim()) throw new InvalidTemplate('Give the template a subject');
  if (subject.length > LIMITS.subject) throw new InvalidTemplate(`The subject is longer than ${LIMITS.subject} characters`);
  if (/[\r\n]/.test(subject)) throw new InvalidTemplate('The subject must be a single line');
  if (!body.trim()) throw new InvalidTemplate('Give the template a body');
  if (body.length > LIMITS.body) throw new InvalidTemplate(`The body is longer than ${LIMITS.body} characters`);
  return checkTemplate({ subject, body });
}

export function decideTemplate(command: TemplateCommand, state: TemplateState): TemplateEvent[] {
  switch (command.type) {
    case 'CreateTemplate': {
      if (state.status !== 'none') throw new TemplateAlreadyExists();
      const name = command.name.trim();
      if (!name || name.length > LIMITS.name) throw new InvalidTemplate(`Give the template a name (1 to ${LIMITS.name} characters)`);
      const variables = checkContent(command.subject, command.body);
      const { templateId, workspaceId, subject, body, category } = command;
      return [{ type: 'TemplateCreated', data: { templateId, workspaceId, name, subject, body, category, variables, createdAt: command.now } }];
    }
    case 'ReviseTemplate': {
      if (state.status !== 'active') throw new TemplateNotFound();
      const variables = checkContent(command.subject, command.body);
      if (command.subject === state.subject && command.body === state.body) return [];
      const { subject, body } = command;
      return [{ type: 'TemplateRevised', data: { templateId: state.templateId, revision: state.revision + 1, subject, body, variables, revisedAt: command.now } }];
    }
    default:
      return assertNever(command, 'template command');
  }
}

export const templateDecider: Decider<TemplateCommand, TemplateEvent, TemplateState> = {
  initialState: initialTemplateState,
  evolve: evolveTemplate,
  decide: decideTemplate,
};
