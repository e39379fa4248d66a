import { Role } from '@app/events';

export type WorkspaceProfile = { companyName?: string; postalAddress?: string; productDescription?: string; website?: string };
export type AiLimits = { monthlyTokenBudget: number; requestsPerMinute: number };

export type WorkspaceState =
  | { status: 'none' }
  | { status: 'active'; workspaceId: string; name: string; members: ReadonlyMap<string, Role>; profile: WorkspaceProfile; aiLimits: AiLimits | null };

type Actor = { actorId: string; now: string };
export type WorkspaceCommand =
  | { type: 'CreateWorkspace'; workspaceId: string; name: string; ownerId: string; now: string }
  | ({ type: 'AddMember'; userId: string; role: Role } & Actor)
  | ({ type: 'ChangeMemberRole'; userId: string; role: Role } & Actor)
  | ({ type: 'RemoveMember'; userId: string } & Actor)
  | ({ type: 'UpdateWorkspaceProfile'; profile: WorkspaceProfile } & Actor)
  | ({ type: 'SetAiLimits'; limits: AiLimits } & Actor);
