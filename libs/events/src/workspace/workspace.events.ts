import { z } from 'zod';
import { defineEvent } from '../core/define-event';
import { Id, Instant, NonEmpty } from '../core/primitives';

export const Roles = ['OWNER', 'ADMIN', 'MEMBER', 'AUDITOR'] as const;
export type Role = (typeof Roles)[number];
const RoleSchema = z.enum(Roles);

export const UserRegistered = defineEvent({
  type: 'UserRegistered',
  schema: z.object({ userId: Id, email: z.email(), name: NonEmpty, registeredAt: Instant }),
});

export const WorkspaceCreated = defineEvent({
  type: 'WorkspaceCreated',
  schema: z.object({ workspaceId: Id, name: NonEmpty, ownerId: Id, createdAt: Instant }),
});

export const MemberAdded = defineEvent({
  type: 'MemberAdded',
  schema: z.object({ workspaceId: Id, userId: Id, role: RoleSchema, addedAt: Instant }),
});

export const MemberRoleChanged = defineEvent({
  type: 'MemberRoleChanged',
  schema: z.object({ workspaceId: Id, userId: Id, role: RoleSchema, previousRole: RoleSchema, changedAt: Instant }),
});

export const MemberRemoved = defineEvent({
  type: 'MemberRemoved',
  schema: z.object({ workspaceId: Id, userId: Id, removedAt: Instant }),
});

export const userEvents = [UserRegistered] as const;
export const workspaceEvents = [WorkspaceCreated, MemberAdded, MemberRoleChanged, MemberRemoved] as const;
