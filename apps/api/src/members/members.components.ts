import { ManageMembersHandler } from './manage-members.handler';
import { ManageMembersResolver } from './manage-members.resolver';
import { MembersQuery } from './queries/members.query';
import { MembersResolver } from './queries/members.resolver';

/**
 * Members and roles: who belongs to the workspace, and adding, re-roling and removing them
 * (workspace events). An ApiComponents, checked where api.components.ts registers it.
 */
export const membersComponents = {
  resolvers: [MembersResolver, ManageMembersResolver],
  handlers: [ManageMembersHandler],
  queries: [MembersQuery],
  controllers: [],
};
