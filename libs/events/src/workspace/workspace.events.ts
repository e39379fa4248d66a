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

/** Only the fields that changed are present. Shown in email footers and given to the AI. */
export const WorkspaceProfileUpdated = defineEvent({
  type: 'WorkspaceProfileUpdated',
  schema: z.object({
    workspaceId: Id,
    companyName: z.string().trim().max(200).optional(),
    /** The sender's physical postal address: CAN-SPAM requires it in every commercial email. */
    postalAddress: z.string().trim().max(500).optional(),
    /** What the workspace sells, in its own words: grounds AI drafts. */
    productDescription: z.string().trim().max(5000).optional(),
    website: z.url().optional(),
    updatedAt: Instant,
  }),
});

/** The workspace's AI allowance: a monthly token budget and a request rate. */
export const AiLimitsSet = defineEvent({
  type: 'AiLimitsSet',
  schema: z.object({
    workspaceId: Id,
    monthlyTokenBudget: z.number().int().min(0),
    requestsPerMinute: z.number().int().min(1).max(10_000),
    setAt: Instant,
  }),
});

export const userEvents = [UserRegistered] as const;
export const workspaceEvents = [WorkspaceCreated, MemberAdded, MemberRoleChanged, MemberRemoved, WorkspaceProfileUpdated, AiLimitsSet] as const;
