/** Stream names: `<kind>-<id>`. The prefix is what projections and filters select on. */
export const streams = {
  user: (id: string) => `user-${id}`,
  workspace: (id: string) => `workspace-${id}`,
  template: (id: string) => `template-${id}`,
  sequence: (id: string) => `sequence-${id}`,
  campaign: (id: string) => `campaign-${id}`,
  lead: (id: string) => `lead-${id}`,
  enrollment: (id: string) => `enrollment-${id}`,
} as const;

export const streamPrefixes = ['user-', 'workspace-', 'template-', 'sequence-', 'campaign-', 'lead-', 'enrollment-'] as const;
