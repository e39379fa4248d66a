import { AuditEvent } from '@app/events';
import { AuditLogCommand, auditLogDecider } from '@app/domain';
import { HOUR, deciderSpec, fixedClock, idFactory } from '@app/testing';

const clock = fixedClock();
const id = idFactory();
const workspaceId = id('workspace');
const auditor = id('user');
const rootA = 'a'.repeat(64);
const rootB = '0123456789abcdef'.repeat(4);

const spec = deciderSpec(auditLogDecider);

const recordAnchor = (anchorId: string, merkleRoot: string, now: string, events = 120): AuditLogCommand => ({
  type: 'RecordAnchor',
  workspaceId,
  anchorId,
  merkleRoot,
  streams: 7,
  events,
  now,
});
const anchored = (anchorId: string, merkleRoot: string, anchoredAt: string, events = 120): AuditEvent => ({
  type: 'AuditAnchored',
  data: { workspaceId, anchorId, merkleRoot, streams: 7, events, anchoredAt },
});
const firstAnchor = id('anchor');
const secondAnchor = id('anchor');
const anchoredA = anchored(firstAnchor, rootA, clock.now);

describe('anchoring the audit log', () => {
  it('records the first anchor with its Merkle root and what it covers', () => {
    spec.given([]).when(recordAnchor(firstAnchor, rootA, clock.now)).then([anchoredA]);
  });

  it('records a new root once the log has grown', () => {
    const now = clock.plus(HOUR);
    spec
      .given([anchoredA])
      .when(recordAnchor(secondAnchor, rootB, now, 125))
      .then([anchored(secondAnchor, rootB, now, 125)]);
  });

  it('records nothing when the root is that of the last anchor: it would prove nothing new', () => {
    spec.given([anchoredA]).when(recordAnchor(secondAnchor, rootA, clock.plus(HOUR))).thenNothing();
  });

  it('compares with the last anchor only', () => {
    const now = clock.plus(2 * HOUR);
    const third = id('anchor');
    spec
      .given([anchoredA, anchored(secondAnchor, rootB, clock.plus(HOUR), 125)])
      .when(recordAnchor(third, rootA, now))
      .then([anchored(third, rootA, now)]);
  });

  it('is not fooled by reads recorded since the last anchor', () => {
    const read: AuditEvent = { type: 'EventLogRead', data: { workspaceId, readerId: auditor, channel: 'VERIFY', filter: {}, results: 120, readAt: clock.plus(HOUR) } };
    spec.given([anchoredA, read]).when(recordAnchor(secondAnchor, rootA, clock.plus(2 * HOUR))).thenNothing();
  });
});

describe('reading the audit log', () => {
  const readAt = clock.plus(HOUR);

  it.each(['QUERY', 'EXPORT', 'VERIFY'] as const)('records a %s read: who, with which filter, and how many events it returned', (channel) => {
    spec
      .given([anchoredA])
      .when({ type: 'RecordLogRead', workspaceId, readerId: auditor, channel, filter: { streamPrefix: 'lead-', since: clock.now }, results: 42, now: readAt })
      .then([{ type: 'EventLogRead', data: { workspaceId, readerId: auditor, channel, filter: { streamPrefix: 'lead-', since: clock.now }, results: 42, readAt } }]);
  });

  it('records every read, the first before any anchor and the same one again', () => {
    const read: AuditEvent = { type: 'EventLogRead', data: { workspaceId, readerId: auditor, channel: 'QUERY', filter: {}, results: 0, readAt } };
    spec.given([]).when({ type: 'RecordLogRead', workspaceId, readerId: auditor, channel: 'QUERY', filter: {}, results: 0, now: readAt }).then([read]);
    spec.given([read]).when({ type: 'RecordLogRead', workspaceId, readerId: auditor, channel: 'QUERY', filter: {}, results: 0, now: readAt }).then([read]);
  });
});
