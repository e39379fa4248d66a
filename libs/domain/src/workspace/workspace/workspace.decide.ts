import { Role, WorkspaceEvent } from '@app/events';
import { Decider, assertNever } from '../../shared/decider';
import { InvalidWorkspaceProfile, LastOwner, MemberAlreadyExists, MemberNotFound, NotAllowedToManageMembers, InvalidWorkspaceName, WorkspaceAlreadyExists, WorkspaceNotFound } from './workspace.errors';
import { evolveWorkspace, initialWorkspaceState } from './workspace.evolve';
import { WorkspaceCommand, WorkspaceProfile, WorkspaceState } from './workspace.state';

const managers: readonly Role[] = ['OWNER', 'ADMIN'];
const profileMaxLength = { companyName: 200, postalAddress: 500, productDescription: 5000 } as const;

function requireManager(state: Extract<WorkspaceState, { status: 'active' }>, actorId: string, touchesOwner: boolean, what: string): void {
  const role = state.members.get(actorId);
  if (!role || !managers.includes(role) || (touchesOwner && role !== 'OWNER')) throw new NotAllowedToManageMembers(what);
}

function ownerCount(members: ReadonlyMap<string, Role>): number {
  return [...members.values()].filter((r) => r === 'OWNER').length;
}

export function decideWorkspace(command: WorkspaceCommand, state: WorkspaceState): WorkspaceEvent[] {
  if (command.type === 'CreateWorkspace') {
    if (state.status !== 'none') throw new WorkspaceAlreadyExists();
    const name = command.name.trim();
    if (!name || name.length > 200) throw new InvalidWorkspaceName();
    return [
      { type: 'WorkspaceCreated', data: { workspaceId: command.workspaceId, name, ownerId: command.ownerId, createdAt: command.now } },
      { type: 'MemberAdded', data: { workspaceId: command.workspaceId, userId: command.ownerId, role: 'OWNER', addedAt: command.now } },
    ];
  }
  if (state.status !== 'active') throw new WorkspaceNotFound();
  const workspaceId = state.workspaceId;
  switch (command.type) {
    case 'AddMember': {
      requireManager(state, command.actorId, command.role === 'OWNER', 'add members');
      if (state.members.has(command.userId)) throw new MemberAlreadyExists();
      return [{ type: 'MemberAdded', data: { workspaceId, userId: command.userId, role: command.role, addedAt: command.now } }];
    }
    case 'ChangeMemberRole': {
      const previousRole = state.members.get(command.userId);
      if (!previousRole) throw new MemberNotFound();
      requireManager(state, command.actorId, command.role === 'OWNER' || previousRole === 'OWNER', 'change roles');
      if (previousRole === command.role) return [];
      if (previousRole === 'OWNER' && ownerCount(state.members) === 1) throw new LastOwner();
      return [{ type: 'MemberRoleChanged', data: { workspaceId, userId: command.userId, role: command.role, previousRole, changedAt: command.now } }];
    }
    case 'RemoveMember': {
      const role = state.members.get(command.userId);
      if (!role) throw new MemberNotFound();
      requireManager(state, command.actorId, role === 'OWNER', 'remove members');
      if (role === 'OWNER' && ownerCount(state.members) === 1) throw new LastOwner();
      return [{ type: 'MemberRemoved', data: { workspaceId, userId: command.userId, removedAt: command.now } }];
    }
    case 'UpdateWorkspaceProfile': {
      requireManager(state, command.actorId, false, 'change the workspace profile');
      // Only the profile's own fields, trimmed, and only those that change.
      const changes: WorkspaceProfile = {};
      for (const field of ['companyName', 'postalAddress', 'productDescription', 'website'] as const) {
        const given = command.profile[field];
        const value = typeof given === 'string' ? given.trim() : undefined;
        if (value !== undefined && value !== state.profile[field]) changes[field] = value;
      }
      if (changes.website !== undefined && !/^https?:\/\//i.test(changes.website)) throw new InvalidWorkspaceProfile('website must be a full http(s) URL such as https://example.com');
      if (changes.website !== undefined && !URL.canParse(changes.website)) throw new InvalidWorkspaceProfile('website must be a full URL such as https://example.com');
      if (changes.postalAddress === '') throw new InvalidWorkspaceProfile('postalAddress cannot be empty: every commercial email must carry one');
      // The WorkspaceProfileUpdated schema caps these; past the cap the store would refuse the event.
      for (const [field, max] of Object.entries(profileMaxLength)) {
        const value: unknown = changes[field as keyof WorkspaceProfile];
        if (typeof value === 'string' && value.length > max) throw new InvalidWorkspaceProfile(`${field} must be at most ${max} characters`);
      }
      if (Object.keys(changes).length === 0) return [];
      return [{ type: 'WorkspaceProfileUpdated', data: { workspaceId, ...changes, updatedAt: command.now } }];
    }
    case 'SetAiLimits': {
      requireManager(state, command.actorId, false, 'change AI limits');
      const { monthlyTokenBudget, requestsPerMinute } = command.limits;
      if (!Number.isInteger(monthlyTokenBudget) || monthlyTokenBudget < 0) throw new InvalidWorkspaceProfile('monthlyTokenBudget must be a whole number of tokens, 0 or more');
      if (!Number.isInteger(requestsPerMinute) || requestsPerMinute < 1 || requestsPerMinute > 10_000) throw new InvalidWorkspaceProfile('requestsPerMinute must be between 1 and 10000');
      if (state.aiLimits?.monthlyTokenBudget === monthlyTokenBudget && state.aiLimits.requestsPerMinute === requestsPerMinute) return [];
      return [{ type: 'AiLimitsSet', data: { workspaceId, monthlyTokenBudget, requestsPerMinute, setAt: command.now } }];
    }
    default:
      return assertNever(command, 'workspace command');
  }
}

export const workspaceDecider: Decider<WorkspaceCommand, WorkspaceEvent, WorkspaceState> = {
  initialState: initialWorkspaceState,
  evolve: evolveWorkspace,
  decide: decideWorkspace,
};
