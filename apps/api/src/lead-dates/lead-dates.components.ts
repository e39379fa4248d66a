import { LeadDatesQuery } from './queries/lead-dates.query';
import { LeadDatesResolver, LeadImportantDatesField } from './queries/lead-dates.resolver';
import { RemoveLeadImportantDateHandler } from './remove-important-date/remove-important-date.handler';
import { RemoveLeadImportantDateResolver } from './remove-important-date/remove-important-date.resolver';
import { SetLeadImportantDateHandler } from './set-important-date/set-important-date.handler';
import { SetLeadImportantDateResolver } from './set-important-date/set-important-date.resolver';

/** Leads' important dates (what occasion campaigns send on). An ApiComponents, checked where api.components.ts registers it. */
export const leadDatesComponents = {
  resolvers: [LeadDatesResolver, LeadImportantDatesField, SetLeadImportantDateResolver, RemoveLeadImportantDateResolver],
  handlers: [SetLeadImportantDateHandler, RemoveLeadImportantDateHandler],
  queries: [LeadDatesQuery],
  controllers: [],
};
