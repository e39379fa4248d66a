import { Role, WorkspaceEvent } from '@app/events';
import {
  InvalidWorkspaceName,
  InvalidWorkspaceProfile,
  LastOwner,
  MemberAlreadyExists,
  MemberNotFound,
  NotAllowedToManageMembers,
  WorkspaceAlreadyExists,
  WorkspaceCommand,
  WorkspaceNotFound,
  WorkspaceProfile,
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

describe('updating the workspace profile', () => {
  const updateProfile = (actorId: string, profile: WorkspaceProfile): WorkspaceCommand => ({ type: 'UpdateWorkspaceProfile', actorId, profile, now });
  const profiled: WorkspaceEvent = {
    type: 'WorkspaceProfileUpdated',
    data: { workspaceId, companyName: 'Acme Inc.', postalAddress: '1 Main Street, Springfield', updatedAt: clock.now },
  };
  const withProfile = [...team, profiled];

  it('records the fields given, trimmed', () => {
    spec
      .given(team)
      .when(updateProfile(owner, { companyName: ' Acme Inc. ', postalAddress: '1 Main Street, Springfield', productDescription: 'Forklifts for small warehouses', website: 'https://acme.example' }))
      .then([
        {
          type: 'WorkspaceProfileUpdated',
          data: { workspaceId, companyName: 'Acme Inc.', postalAddress: '1 Main Street, Springfield', productDescription: 'Forklifts for small warehouses', website: 'https://acme.example', updatedAt: now },
        },
      ]);
  });

  it('records only the fields that changed', () => {
    spec
      .given(withProfile)
      .when(updateProfile(admin, { companyName: 'Acme Inc.', postalAddress: '2 High Street, Springfield', website: 'https://acme.example' }))
      .then([{ type: 'WorkspaceProfileUpdated', data: { workspaceId, postalAddress: '2 High Street, Springfield', website: 'https://acme.example', updatedAt: now } }]);
  });

  it('records nothing when nothing changed, whitespace aside', () => {
    spec.given(withProfile).when(updateProfile(owner, { companyName: 'Acme Inc. ', postalAddress: ' 1 Main Street, Springfield' })).thenNothing();
    spec.given(withProfile).when(updateProfile(owner, {})).thenNothing();
  });

  it.each([
    ['a member', member],
    ['an auditor', auditor],
    ['someone outside the workspace', stranger],
  ])('is refused to %s', (_who, actorId) => {
    spec.given(team).when(updateProfile(actorId, { companyName: 'Hijacked' })).thenThrows(NotAllowedToManageMembers, 'change the workspace profile');
  });

  it.each(['acme.example', 'www.acme.example/about', 'https://', 'https://acme example.com'])('refuses the website %j', (website) => {
    spec.given(team).when(updateProfile(owner, { website })).thenThrows(InvalidWorkspaceProfile, /website must be a full (http\(s\) )?URL such as https:\/\/example.com/);
  });

  it.each(['', '   '])('refuses the postal address %j: every commercial email must carry one', (postalAddress) => {
    spec.given(withProfile).when(updateProfile(owner, { postalAddress })).thenThrows(InvalidWorkspaceProfile, /postalAddress cannot be empty/);
  });

  it.each([
    ['companyName', 200],
    ['postalAddress', 500],
    ['productDescription', 5000],
  ] as const)('refuses a %s longer than %i characters', (field, max) => {
    expect(spec.given(team).when(updateProfile(owner, { [field]: 'x'.repeat(max) })).produced()).toHaveLength(1);
    spec.given(team).when(updateProfile(owner, { [field]: 'x'.repeat(max + 1) })).thenThrows(InvalidWorkspaceProfile, `${field} must be at most ${max} characters`);
  });

  it('is refused before the workspace exists', () => {
    spec.given([]).when(updateProfile(owner, { companyName: 'Acme Inc.' })).thenThrows(WorkspaceNotFound);
  });
});

describe('setting the AI limits', () => {
  const setAiLimits = (actorId: string, monthlyTokenBudget: number, requestsPerMinute: number): WorkspaceCommand => ({
    type: 'SetAiLimits',
    actorId,
    limits: { monthlyTokenBudget, requestsPerMinute },
    now,
  });
  const limitsSet: WorkspaceEvent = { type: 'AiLimitsSet', data: { workspaceId, monthlyTokenBudget: 1_000_000, requestsPerMinute: 20, setAt: clock.now } };

  it('records the monthly token budget and the request rate', () => {
    spec.given(team).when(setAiLimits(admin, 1_000_000, 20)).then([{ type: 'AiLimitsSet', data: { workspaceId, monthlyTokenBudget: 1_000_000, requestsPerMinute: 20, setAt: now } }]);
  });

  it('accepts a budget of 0, which switches AI drafting off', () => {
    spec.given(team).when(setAiLimits(owner, 0, 1)).then([{ type: 'AiLimitsSet', data: { workspaceId, monthlyTokenBudget: 0, requestsPerMinute: 1, setAt: now } }]);
  });

  it('records nothing when the limits are unchanged', () => {
    spec.given([...team, limitsSet]).when(setAiLimits(owner, 1_000_000, 20)).thenNothing();
  });

  it('records a change of either limit, with both values', () => {
    spec.given([...team, limitsSet]).when(setAiLimits(owner, 1_000_000, 60)).then([{ type: 'AiLimitsSet', data: { workspaceId, monthlyTokenBudget: 1_000_000, requestsPerMinute: 60, setAt: now } }]);
  });

  it.each([-1, 1.5, Number.NaN])('refuses the token budget %p', (budget) => {
    spec.given(team).when(setAiLimits(owner, budget, 20)).thenThrows(InvalidWorkspaceProfile, 'monthlyTokenBudget must be a whole number of tokens, 0 or more');
  });

  it.each([0, 10_001, 2.5])('refuses the request rate %p', (rate) => {
    spec.given(team).when(setAiLimits(owner, 1000, rate)).thenThrows(InvalidWorkspaceProfile, 'requestsPerMinute must be between 1 and 10000');
  });

  it('is refused to a member', () => {
    spec.given(team).when(setAiLimits(member, 1000, 20)).thenThrows(NotAllowedToManageMembers, 'change AI limits');
  });
});
