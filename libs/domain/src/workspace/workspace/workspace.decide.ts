import { Role, WorkspaceEvent } from '@app/events';
import { Decider, assertNever } from '../../shared/decider';
import { LastOwner, MemberAlreadyExists, MemberNotFound, NotAllowedToManageMembers, InvalidWorkspaceName, WorkspaceAlreadyExists, WorkspaceNotFound } from './workspace.errors';
import { evolveWorkspace, initialWorkspaceState } from './workspace.evolve';
import { WorkspaceCommand, WorkspaceState } from './workspace.state';

const managers: readonly Role[] = ['OWNER', 'ADMIN'];

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
    default:
      return assertNever(command, 'workspace command');
  }
}

export const workspaceDecider: Decider<WorkspaceCommand, WorkspaceEvent, WorkspaceState> = {
  initialState: initialWorkspaceState,
  evolve: evolveWorkspace,
  decide: decideWorkspace,
};
