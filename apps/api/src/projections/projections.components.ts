import { ProjectionsQuery } from './queries/projections.query';
import { ProjectionsResolver } from './queries/projections.resolver';

/**
 * Read models about read models (status, as the CLI shows it) and the analysts' projection
 * (reply rates by send time). An ApiComponents, checked where api.components.ts registers it.
 */
export const projectionsComponents = {
  resolvers: [ProjectionsResolver],
  handlers: [],
  queries: [ProjectionsQuery],
  controllers: [],
};
