import { Role } from '@app/events';

/** The authenticated caller of a request. */
export type Actor = { userId: string; workspaceId: string; role: Role };

/** Roles that may issue commands. Auditors read everything in their workspace and change nothing. */
export const COMMAND_ROLES: readonly Role[] = ['OWNER', 'ADMIN', 'MEMBER'];
export const ALL_ROLES: readonly Role[] = ['OWNER', 'ADMIN', 'MEMBER', 'AUDITOR'];
