import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { AppLogger, LOGGER } from '@app/platform';
import type { Request, Response } from 'express';
import { once } from 'node:events';
import { Actor } from '../../common/auth/actor';
import { AllowRoles, CurrentActor } from '../../common/auth/auth.decorators';
import { badInput } from '../../common/errors/api-errors';
import { AuditTrail, LOG_READERS } from '../audit-trail';
import { EventLogFilter, EventLogQuery, describeFilter } from '../event-log/event-log.query';

const PAGE = 1000;

function instant(value: unknown, name: string): Date | null {
  if (value === undefined || value === '') return null;
  const date = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : new Date(NaN);
  if (Number.isNaN(date.getTime())) throw badInput(`${name} must be an ISO-8601 instant, e.g. 2025-03-01T00:00:00Z`, 'AUDIT.BAD_EXPORT_FILTER');
  return date;
}

function text(value: unknown, name: string): string | null {
  if (value === undefined || value === '') return null;
  if (typeof value !== 'string' || value.length > 200) throw badInput(`${name} must be given once, at most 200 characters`, 'AUDIT.BAD_EXPORT_FILTER');
  return value;
}

/** The query string as a filter; anything malformed is refused before a byte is sent. */
export function exportFilter(query: Record<string, unknown>): { filter: EventLogFilter; withPersonalData: boolean } {
  const types = text(query.types, 'types');
  const typeList = types ? types.split(',').map((t) => t.trim()).filter(Boolean) : null;
  if (typeList?.some((t) => !/^[A-Z][A-Za-z]+$/.test(t))) throw badInput('types is a comma-separated list of event types, e.g. LeadErased,MemberAdded', 'AUDIT.BAD_EXPORT_FILTER');
  const withPersonal = text(query.withPersonalData, 'withPersonalData');
  if (withPersonal !== null && withPersonal !== 'true' && withPersonal !== 'false') throw badInput('withPersonalData is true or false', 'AUDIT.BAD_EXPORT_FILTER');
  return {
    filter: {
      from: instant(query.from, 'from'),
      to: instant(query.to, 'to'),
      types: typeList,
      streamId: text(query.streamId, 'streamId'),
      streamPrefix: text(query.streamPrefix, 'streamPrefix'),
      actorId: text(query.actorId, 'actorId'),
    },
    withPersonalData: withPersonal === 'true',
  };
}

/**
 * `GET /audit/export?from&to&types` (also streamId, streamPrefix, actorId, withPersonalData)
 * with a bearer token (owners, admins, auditors): the workspace's log as NDJSON, one event per
 * line with its envelope, metadata and chain hashes, in log order. It pages through the index
 * a thousand events at a time and waits for the client to take each page (backpressure), so
 * memory stays flat however long the log. The export is recorded (EventLogRead) when it ends.
 */
@Controller('audit')
export class AuditExportController {
  constructor(
    private readonly query: EventLogQuery,
    private readonly trail: AuditTrail,
    @Inject(LOGGER) private readonly logger: AppLogger,
  ) {}

  @Get('export')
  @AllowRoles(...LOG_READERS)
  async export(@CurrentActor() actor: Actor, @Query() query: Record<string, unknown>, @Req() request: Request, @Res() response: Response): Promise<void> {
    const { filter, withPersonalData } = exportFilter(query);
    let gone = false;
    request.on('close', () => {
      gone = !response.writableFinished;
    });
    response.status(200);
    response.setHeader('content-type', 'application/x-ndjson; charset=utf-8');
    response.setHeader('content-disposition', `attachment; filename="event-log-${actor.workspaceId}.ndjson"`);
    response.setHeader('cache-control', 'no-store');
    let exported = 0;
    try {
      for (let after: string | null = null; !gone; ) {
        const rows = await this.query.rows(actor.workspaceId, filter, PAGE, after);
        if (!rows.length) break;
        const events = await this.query.events(rows, { withPersonalData });
        let chunk = '';
        for (const event of events) {
          chunk += `${JSON.stringify({
            id: event.id,
            position: event.position,
            type: event.type,
            version: event.version,
            streamId: event.streamId,
            revision: event.revision,
            data: event.data,
            metadata: event.metadata,
            personalDataErased: event.personalDataErased,
            personalDataWithheld: event.personalDataWithheld === true,
          })}\n`;
        }
        exported += events.length;
        if (!response.write(chunk)) await Promise.race([once(response, 'drain'), once(response, 'close')]);
        after = (rows[rows.length - 1] as { orderKey: string }).orderKey;
        if (rows.length < PAGE) break;
      }
      response.end();
    } catch (error) {
      // The status line is gone: cut the connection, so the client sees an incomplete download.
      this.logger.error({ err: error, workspaceId: actor.workspaceId }, 'event log export failed midway');
      response.destroy(error instanceof Error ? error : new Error(String(error)));
    } finally {
      await this.trail
        .recordRead(actor, 'EXPORT', { ...describeFilter(filter), withPersonalData: withPersonalData ? 'true' : undefined, complete: gone ? 'false' : undefined }, exported)
        .catch((error: unknown) => this.logger.error({ err: error }, 'could not record the export in the audit stream'));
    }
  }
}
