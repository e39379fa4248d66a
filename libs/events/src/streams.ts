/** Stream names: `<kind>-<id>`. The prefix is what projections and filters select on. */
export const streams = {
  user: (id: string) => `user-${id}`,
  workspace: (id: string) => `workspace-${id}`,
  template: (id: string) => `template-${id}`,
  sequence: (id: string) => `sequence-${id}`,
  campaign: (id: string) => `campaign-${id}`,
  lead: (id: string) => `lead-${id}`,
  enrollment: (id: string) => `enrollment-${id}`,
  mailbox: (id: string) => `mailbox-${id}`,
  /** One audit stream per workspace: anchors and auditors' reads. */
  audit: (workspaceId: string) => `audit-${workspaceId}`,
  /** AI usage per workspace and calendar month (UTC), e.g. ai-<id>-2026-11: budgets are monthly. */
  ai: (workspaceId: string, month: string) => `ai-${workspaceId}-${month}`,
} as const;

export const streamPrefixes = ['user-', 'workspace-', 'template-', 'sequence-', 'campaign-', 'lead-', 'enrollment-', 'mailbox-', 'audit-', 'ai-'] as const;
