import { MailboxEvent } from '@app/events';
import { assertNever } from '../../shared/decider';
import { MailboxState } from './mailbox.state';

export const initialMailboxState = (): MailboxState => ({ status: 'none' });

export function evolveMailbox(state: MailboxState, event: MailboxEvent): MailboxState {
  if (event.type === 'MailboxConnected') {
    const { mailboxId, workspaceId, provider, address, displayName, limits, connectedAt } = event.data;
    return { status: 'connected', mailboxId, workspaceId, provider, address, displayName, limits, connectedAt };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'MailboxLimitsSet':
      return { ...state, limits: event.data.limits };
    case 'MailboxDisconnected':
      return { ...state, status: 'disconnected', reason: event.data.reason, detail: event.data.detail };
    case 'MailboxReconnected': {
      const { mailboxId, workspaceId, provider, address, displayName, limits, connectedAt } = state;
      return { status: 'connected', mailboxId, workspaceId, provider, address, displayName, limits, connectedAt };
    }
    default:
      return assertNever(event, 'mailbox event');
  }
}
