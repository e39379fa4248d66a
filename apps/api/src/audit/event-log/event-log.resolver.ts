import { Args, Query, Resolver } from '@nestjs/graphql';
import { Actor } from '../../common/auth/actor';
import { AllowRoles, CurrentActor } from '../../common/auth/auth.decorators';
import { badInput } from '../../common/errors/api-errors';
import { Connection, decodeCursor, encodeCursor, pageSize } from '../../common/pagination/connection';
import { AuditTrail, LOG_READERS } from '../audit-trail';
import { EventLogArgs } from './event-log.args';
import { EventLogConnection, EventLogEntryModel } from './event-log.model';
import { EventLogQuery, describeFilter, toEntry } from './event-log.query';

@Resolver()
export class EventLogResolver {
  constructor(
    private readonly query: EventLogQuery,
    private readonly trail: AuditTrail,
  ) {}

  @Query(() => EventLogConnection, {
    description: 'Every event of the workspace with its metadata, oldest first (owners, admins, auditors). Each read is itself recorded (EventLogRead).',
  })
  @AllowRoles(...LOG_READERS)
  async eventLog(@CurrentActor() actor: Actor, @Args() { filter, first, after, withPersonalData }: EventLogArgs): Promise<Connection<EventLogEntryModel>> {
    const size = pageSize(first);
    const cursor = decodeCursor(after);
    if (cursor && !/^\d+$/.test(cursor.at)) throw badInput('The `after` cursor is not one this API gave out', 'PAGINATION.BAD_CURSOR');
    const scope = filter ?? {};
    const [rows, totalCount] = await Promise.all([this.query.rows(actor.workspaceId, scope, size + 1, cursor?.at ?? null), this.query.count(actor.workspaceId, scope)]);
    const page = rows.slice(0, size);
    const events = await this.query.events(page, { withPersonalData });
    const keyOf = new Map(page.map((r) => [r.eventId.toLowerCase(), r.orderKey]));
    const edges = events.map((event) => ({ cursor: encodeCursor({ at: keyOf.get(event.id.toLowerCase()) ?? '0', id: event.id }), node: toEntry(event) }));
    const last = page[page.length - 1];
    await this.trail.recordRead(actor, 'QUERY', { ...describeFilter(scope), after: after ?? undefined, withPersonalData: withPersonalData ? 'true' : undefined }, edges.length);
    return {
      edges,
      nodes: edges.map((e) => e.node),
      pageInfo: { hasNextPage: rows.length > size, endCursor: last ? encodeCursor({ at: last.orderKey, id: last.eventId }) : null },
      totalCount,
    };
  }
}
