import { AnchorEventLogHandler } from './anchor/anchor-event-log.handler';
import { AnchorEventLogResolver } from './anchor/anchor-event-log.resolver';
import { AuditTrail, WorkspaceAuditService } from './audit-trail';
import { EventLogQuery } from './event-log/event-log.query';
import { EventLogResolver } from './event-log/event-log.resolver';
import { AuditExportController } from './export/audit-export.controller';
import { VerifyEventLogResolver } from './verify/verify-event-log.resolver';

/**
 * The auditors' event log: query, NDJSON export, verification, anchors on demand. An
 * ApiComponents, checked where api.components.ts registers it (importing the type here would
 * make an import cycle).
 */
export const auditComponents = {
  resolvers: [EventLogResolver, VerifyEventLogResolver, AnchorEventLogResolver],
  handlers: [AnchorEventLogHandler],
  queries: [EventLogQuery, AuditTrail, WorkspaceAuditService],
  controllers: [AuditExportController],
};
