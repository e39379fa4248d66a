import { Role, WorkspaceEvent } from '@app/events';
import {
  InvalidWorkspaceName,
  LastOwner,
  MemberAlreadyExists,
  MemberNotFound,
  NotAllowedToManageMembers,
  WorkspaceAlreadyExists,
  WorkspaceCommand,
  WorkspaceNotFound,
  workspaceDecider,
} from '@app/domain';
import { HOUR, deciderSpec, fixedClock, idFactory } from '@app/testing';

const clock = fixedClock();
const id = idFactory();
const workspaceId = id('workspace');
const owner = id('user');
const admin = id('user');
const member = id('user');
const auditor = id('user');
const newcomer = id('user');
const stranger = id('user');

const spec = deciderSpec(workspaceDecider);
const now = clock.plus(HOUR);

const added = (userId: string, role: Role, addedAt = clock.now): WorkspaceEvent => ({ type: 'MemberAdded', data: { workspaceId, userId, role, addedAt } });
const created: WorkspaceEvent[] = [{ type: 'WorkspaceCreated', data: { workspaceId, name: 'Acme Sales', ownerId: owner, createdAt: clock.now } }, added(owner, 'OWNER')];
/** One owner, one admin, one member, one auditor. */
const team = [...created, added(admin, 'ADMIN'), added(member, 'MEMBER'), added(auditor, 'AUDITOR')];

const addMember = (actorId: string, userId: string, role: Role): WorkspaceCommand => ({ type: 'AddMember', actorId, userId, role, now });
const changeRole = (actorId: string, userId: string, role: Role): WorkspaceCommand => ({ type: 'ChangeMemberRole', actorId, userId, role, now });
const removeMember = (actorId: string, userId: string): WorkspaceCommand => ({ type: 'RemoveMember', actorId, userId, now });

describe('creating a workspace', () => {
  it('records it with its creator as owner', () => {
    spec.given([]).when({ type: 'CreateWorkspace', workspaceId, name: ' Acme Sales ', ownerId: owner, now: clock.now }).then(created);
  });

  it.each(['', '  ', 'a'.repeat(201)])('refuses the name %j', (name) => {
    spec.given([]).when({ type: 'CreateWorkspace', workspaceId, name, ownerId: owner, now: clock.now }).thenThrows(InvalidWorkspaceName);
  });

  it('refuses to create it twice', () => {
    spec.given(created).when({ type: 'CreateWorkspace', workspaceId, name: 'Acme Sales', ownerId: owner, now: clock.now }).thenThrows(WorkspaceAlreadyExists);
  });

  it('refuses member changes before it exists', () => {
    spec.given([]).when(addMember(owner, newcomer, 'MEMBER')).thenThrows(WorkspaceNotFound);
  });
});

describe('adding a member', () => {
  it.each([
    ['an owner', owner],
    ['an admin', admin],
  ])('is allowed to %s', (_who, actorId) => {
    spec.given(team).when(addMember(actorId, newcomer, 'MEMBER')).then([{ type: 'MemberAdded', data: { workspaceId, userId: newcomer, role: 'MEMBER', addedAt: now } }]);
  });

  it.each([
    ['a member', member],
    ['an auditor', auditor],
    ['someone outside the workspace', stranger],
  ])('is refused to %s', (_who, actorId) => {
    spec.given(team).when(addMember(actorId, newcomer, 'MEMBER')).thenThrows(NotAllowedToManageMembers, 'Only an owner or admin of the workspace can add members');
  });

  it('as owner is allowed to an owner', () => {
    spec.given(team).when(addMember(owner, newcomer, 'OWNER')).then([{ type: 'MemberAdded', data: { workspaceId, userId: newcomer, role: 'OWNER', addedAt: now } }]);
  });

  it('as owner is refused to an admin', () => {
    spec.given(team).when(addMember(admin, newcomer, 'OWNER')).thenThrows(NotAllowedToManageMembers, 'an admin cannot grant or take away the owner role');
  });

  it('who is already a member is refused', () => {
    spec.given(team).when(addMember(owner, member, 'ADMIN')).thenThrows(MemberAlreadyExists, 'change their role instead');
  });
});

describe('changing a role', () => {
  it('is recorded with the previous role', () => {
    spec
      .given(team)
      .when(changeRole(admin, member, 'ADMIN'))
      .then([{ type: 'MemberRoleChanged', data: { workspaceId, userId: member, role: 'ADMIN', previousRole: 'MEMBER', changedAt: now } }]);
  });

  it('to the role the member already has records nothing', () => {
    spec.given(team).when(changeRole(admin, member, 'MEMBER')).thenNothing();
  });

  it('is refused to a member', () => {
    spec.given(team).when(changeRole(member, auditor, 'MEMBER')).thenThrows(NotAllowedToManageMembers, 'change roles');
  });

  it('to owner is refused to an admin, even for themselves', () => {
    spec.given(team).when(changeRole(admin, member, 'OWNER')).thenThrows(NotAllowedToManageMembers);
    spec.given(team).when(changeRole(admin, admin, 'OWNER')).thenThrows(NotAllowedToManageMembers);
  });

  it('of an owner is refused to an admin', () => {
    spec.given(team).when(changeRole(admin, owner, 'MEMBER')).thenThrows(NotAllowedToManageMembers);
  });

  it('to owner is allowed to an owner', () => {
    spec
      .given(team)
      .when(changeRole(owner, admin, 'OWNER'))
      .then([{ type: 'MemberRoleChanged', data: { workspaceId, userId: admin, role: 'OWNER', previousRole: 'ADMIN', changedAt: now } }]);
  });

  it('cannot demote the last owner', () => {
    spec.given(team).when(changeRole(owner, owner, 'ADMIN')).thenThrows(LastOwner, 'make someone else owner first');
  });

  it('can demote an owner when another owner remains', () => {
    const twoOwners = [...team, { type: 'MemberRoleChanged', data: { workspaceId, userId: admin, role: 'OWNER', previousRole: 'ADMIN', changedAt: clock.now } } satisfies WorkspaceEvent];
    spec
      .given(twoOwners)
      .when(changeRole(admin, owner, 'ADMIN'))
      .then([{ type: 'MemberRoleChanged', data: { workspaceId, userId: owner, role: 'ADMIN', previousRole: 'OWNER', changedAt: now } }]);
  });

  it('of someone who is not a member is refused', () => {
    spec.given(team).when(changeRole(owner, stranger, 'ADMIN')).thenThrows(MemberNotFound);
  });
});

describe('removing a member', () => {
  it('is allowed to an admin for a non-owner', () => {
    spec.given(team).when(removeMember(admin, member)).then([{ type: 'MemberRemoved', data: { workspaceId, userId: member, removedAt: now } }]);
  });

  it('is refused to a member', () => {
    spec.given(team).when(removeMember(member, auditor)).thenThrows(NotAllowedToManageMembers, 'remove members');
  });

  it('of an owner is refused to an admin', () => {
    spec.given([...team, added(newcomer, 'OWNER')]).when(removeMember(admin, newcomer)).thenThrows(NotAllowedToManageMembers);
  });

  it('of an owner is allowed to an owner when another owner remains', () => {
    spec.given([...team, added(newcomer, 'OWNER')]).when(removeMember(owner, newcomer)).then([{ type: 'MemberRemoved', data: { workspaceId, userId: newcomer, removedAt: now } }]);
  });

  it('cannot remove the last owner, even by themselves', () => {
    spec.given(team).when(removeMember(owner, owner)).thenThrows(LastOwner);
  });

  it('takes away their rights', () => {
    const removed: WorkspaceEvent = { type: 'MemberRemoved', data: { workspaceId, userId: admin, removedAt: clock.now } };
    spec.given([...team, removed]).when(addMember(admin, newcomer, 'MEMBER')).thenThrows(NotAllowedToManageMembers);
  });

  it('of someone who is not a member is refused', () => {
    spec.given(team).when(removeMember(owner, stranger)).thenThrows(MemberNotFound);
  });
});
