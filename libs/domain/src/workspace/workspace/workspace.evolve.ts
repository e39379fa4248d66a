import { WorkspaceEvent } from '@app/events';
import { assertNever } from '../../shared/decider';
import { WorkspaceState } from './workspace.state';

export const initialWorkspaceState = (): WorkspaceState => ({ status: 'none' });

export function evolveWorkspace(state: WorkspaceState, event: WorkspaceEvent): WorkspaceState {
  switch (event.type) {
    case 'WorkspaceCreated':
      return { status: 'active', workspaceId: event.data.workspaceId, name: event.data.name, members: new Map(), profile: {}, aiLimits: null };
    case 'MemberAdded':
    case 'MemberRoleChanged':
      if (state.status !== 'active') return state;
      return { ...state, members: new Map(state.members).set(event.data.userId, event.data.role) };
    case 'MemberRemoved': {
      if (state.status !== 'active') return state;
      const members = new Map(state.members);
      members.delete(event.data.userId);
      return { ...state, members };
    }
    case 'WorkspaceProfileUpdated': {
      if (state.status !== 'active') return state;
      const { workspaceId: _id, updatedAt: _at, ...changes } = event.data;
      return { ...state, profile: { ...state.profile, ...changes } };
    }
    case 'AiLimitsSet':
      if (state.status !== 'active') return state;
      return { ...state, aiLimits: { monthlyTokenBudget: event.data.monthlyTokenBudget, requestsPerMinute: event.data.requestsPerMinute } };
    default:
      return assertNever(event, 'workspace event');
  }
}
