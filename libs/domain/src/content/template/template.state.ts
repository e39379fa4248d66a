import { TemplateCategory } from '@app/events';

export type TemplateState =
  | { status: 'none' }
  | { status: 'active'; templateId: string; workspaceId: string; name: string; subject: string; body: string; revision: number; variables: readonly string[] };

export type TemplateCommand =
  | { type: 'CreateTemplate'; templateId: string; workspaceId: string; name: string; subject: string; body: string; category: TemplateCategory; now: string }
  | { type: 'ReviseTemplate'; subject: string; body: string; now: string };
