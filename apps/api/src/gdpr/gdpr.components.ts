import { EnrollmentsOfLead } from './enrollments-of-lead';
import { EraseLeadHandler } from './erase-lead/erase-lead.handler';
import { EraseLeadResolver } from './erase-lead/erase-lead.resolver';
import { ExportLeadDataHandler } from './export-lead-data/export-lead-data.handler';
import { ExportLeadDataResolver } from './export-lead-data/export-lead-data.resolver';

/**
 * Data subjects' rights: access (exportLeadData) and erasure (eraseLead). An ApiComponents,
 * checked where api.components.ts registers it.
 */
export const gdprComponents = {
  resolvers: [ExportLeadDataResolver, EraseLeadResolver],
  handlers: [ExportLeadDataHandler, EraseLeadHandler],
  queries: [EnrollmentsOfLead],
  controllers: [],
};
