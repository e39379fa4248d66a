import { WorkspaceQuery } from './queries/workspace.query';
import { WorkspaceResolver } from './queries/workspace.resolver';
import { SetAiLimitsHandler } from './set-ai-limits/set-ai-limits.handler';
import { SetAiLimitsResolver } from './set-ai-limits/set-ai-limits.resolver';
import { UpdateWorkspaceProfileHandler } from './update-workspace-profile/update-workspace-profile.handler';
import { UpdateWorkspaceProfileResolver } from './update-workspace-profile/update-workspace-profile.resolver';

/**
 * The workspace's own settings: profile, AI limits, and the query that shows them. An
 * ApiComponents, checked where api.components.ts registers it (importing the type here
 * would make an import cycle).
 */
export const workspaceComponents = {
  resolvers: [WorkspaceResolver, UpdateWorkspaceProfileResolver, SetAiLimitsResolver],
  handlers: [UpdateWorkspaceProfileHandler, SetAiLimitsHandler],
  queries: [WorkspaceQuery],
  controllers: [],
};
