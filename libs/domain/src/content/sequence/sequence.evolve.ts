import { SequenceEvent } from '@app/events';
import { assertNever } from '../../shared/decider';
import { SequenceState } from './sequence.state';

export const initialSequenceState = (): SequenceState => ({ status: 'none' });

export function evolveSequence(_state: SequenceState, event: SequenceEvent): SequenceState {
  switch (event.type) {
    case 'SequenceCreated': {
      const { sequenceId, workspaceId, name, steps } = event.data;
      return { status: 'active', sequenceId, workspaceId, name, steps };
    }
    default:
      return assertNever(event.type, 'sequence event');
  }
}
