import { MailboxEvent, MailboxLimits } from '@app/events';
import { InvalidMailbox, MailboxAlreadyConnected, MailboxCommand, MailboxNotFound, mailboxDecider } from '@app/domain';
import { DAY, HOUR, deciderSpec, fixedClock, idFactory } from '@app/testing';

const clock = fixedClock();
const id = idFactory();
const workspaceId = id('workspace');
const mailboxId = id('mailbox');

const spec = deciderSpec(mailboxDecider);

type ConnectMailbox = Extract<MailboxCommand, { type: 'ConnectMailbox' }>;
const connectMailbox = (over: Partial<ConnectMailbox> = {}): ConnectMailbox => ({
  type: 'ConnectMailbox',
  mailboxId,
  workspaceId,
  provider: 'GMAIL',
  address: 'ada@acme.example',
  displayName: 'Ada Lovelace',
  now: clock.now,
  ...over,
});

/** Gmail's defaults: far below its ceilings, with a ramp-up from 20 a day. */
const gmailLimits: MailboxLimits = { perDay: 500, perMinute: 20, minSpacingSeconds: 20, jitterSeconds: 30, rampUp: { startPerDay: 20, increasePerDay: 10 } };
const connected: MailboxEvent = {
  type: 'MailboxConnected',
  data: { mailboxId, workspaceId, provider: 'GMAIL', address: 'ada@acme.example', displayName: 'Ada Lovelace', limits: gmailLimits, connectedAt: clock.now },
};
const disconnectedAt = clock.plus(DAY);
const disconnected: MailboxEvent = { type: 'MailboxDisconnected', data: { mailboxId, reason: 'REVOKED', detail: 'invalid_grant', disconnectedAt } };
const later = clock.plus(2 * DAY);

describe('connecting a mailbox', () => {
  it("records it with the provider's default limits, a lower-cased address and a trimmed display name", () => {
    spec.given([]).when(connectMailbox({ address: ' Ada@ACME.example ', displayName: ' Ada Lovelace ' })).then([connected]);
  });

  it('gives Outlook its own defaults', () => {
    spec
      .given([])
      .when(connectMailbox({ provider: 'OUTLOOK' }))
      .then([
        {
          type: 'MailboxConnected',
          data: {
            ...connected.data,
            provider: 'OUTLOOK',
            limits: { perDay: 1000, perMinute: 30, minSpacingSeconds: 15, jitterSeconds: 30, rampUp: { startPerDay: 30, increasePerDay: 15 } },
          },
        },
      ]);
  });

  it('gives the local outbox no spacing and no ramp-up: it has no reputation to protect', () => {
    spec
      .given([])
      .when(connectMailbox({ provider: 'OUTBOX' }))
      .then([
        {
          type: 'MailboxConnected',
          data: { ...connected.data, provider: 'OUTBOX', limits: { perDay: 100_000, perMinute: 10_000, minSpacingSeconds: 0, jitterSeconds: 0, rampUp: null } },
        },
      ]);
  });

  it('takes the limits given over the defaults, keeping the others', () => {
    spec
      .given([])
      .when(connectMailbox({ limits: { perDay: 200, rampUp: null } }))
      .then([{ type: 'MailboxConnected', data: { ...connected.data, limits: { ...gmailLimits, perDay: 200, rampUp: null } } }]);
  });

  it('keeps the default of a limit given as undefined (an optional input left out)', () => {
    spec
      .given([])
      .when(connectMailbox({ limits: { perDay: 300, perMinute: undefined, rampUp: undefined } }))
      .then([{ type: 'MailboxConnected', data: { ...connected.data, limits: { ...gmailLimits, perDay: 300 } } }]);
  });

  it('leaves out a blank display name', () => {
    const { displayName: _shown, ...withoutName } = connected.data;
    spec.given([]).when(connectMailbox({ displayName: '   ' })).then([{ type: 'MailboxConnected', data: withoutName }]);
  });

  it.each(['ada', 'ada@', 'ada @acme.example', ''])('refuses the address %j', (address) => {
    spec.given([]).when(connectMailbox({ address })).thenThrows(InvalidMailbox, `"${address}" is not a valid email address`);
  });

  it('refuses a display name longer than 200 characters', () => {
    spec.given([]).when(connectMailbox({ displayName: 'A'.repeat(201) })).thenThrows(InvalidMailbox, 'displayName must be at most 200 characters');
  });

  it.each([
    [{ perDay: 0 }, 'perDay must be a whole number from 1 to 100000'],
    [{ perDay: 100_001 }, 'perDay must be a whole number from 1 to 100000'],
    [{ perMinute: 10_001 }, 'perMinute must be a whole number from 1 to 10000'],
    [{ minSpacingSeconds: -1 }, 'minSpacingSeconds must be a whole number from 0 to 3600'],
    [{ jitterSeconds: 1.5 }, 'jitterSeconds must be a whole number from 0 to 3600'],
    [{ rampUp: { startPerDay: 0, increasePerDay: 10 } }, 'rampUp.startPerDay must be a whole number from 1 to 500'],
    [{ rampUp: { startPerDay: 20, increasePerDay: -5 } }, 'rampUp.increasePerDay must be a whole number from 0 to 100000'],
  ] as const)('refuses the limits %j', (limits, message) => {
    spec.given([]).when(connectMailbox({ limits })).thenThrows(InvalidMailbox, message);
  });

  it('lowers the ramp-up start with the daily ceiling instead of refusing it', () => {
    const [event] = spec.given([]).when(connectMailbox({ limits: { perDay: 10 } })).produced();
    expect(event?.type === 'MailboxConnected' && event.data.limits).toMatchObject({ perDay: 10, rampUp: { startPerDay: 10 } });
  });

  it('refuses to connect a mailbox that is already connected', () => {
    spec.given([connected]).when(connectMailbox({ now: later })).thenThrows(MailboxAlreadyConnected, 'already connected');
  });

  it('reconnects a mailbox that was disconnected instead of connecting it anew', () => {
    spec
      .given([connected, disconnected])
      .when(connectMailbox({ limits: { perDay: 50 }, now: later }))
      .then([{ type: 'MailboxReconnected', data: { mailboxId, reconnectedAt: later } }]);
  });
});

describe('a mailbox that was never connected', () => {
  it('has no limits to set, nothing to disconnect or reconnect', () => {
    spec.given([]).when({ type: 'SetMailboxLimits', limits: { perDay: 100 }, now: later }).thenThrows(MailboxNotFound);
    spec.given([]).when({ type: 'DisconnectMailbox', reason: 'USER', now: later }).thenThrows(MailboxNotFound);
    spec.given([]).when({ type: 'ReconnectMailbox', now: later }).thenThrows(MailboxNotFound);
  });
});

describe('setting the limits of a mailbox', () => {
  it('merges the limits given into the current ones', () => {
    spec
      .given([connected])
      .when({ type: 'SetMailboxLimits', limits: { perMinute: 5, jitterSeconds: 90 }, now: later })
      .then([{ type: 'MailboxLimitsSet', data: { mailboxId, limits: { ...gmailLimits, perMinute: 5, jitterSeconds: 90 }, setAt: later } }]);
  });

  it('merges into the limits set last, not the defaults', () => {
    const set: MailboxEvent = { type: 'MailboxLimitsSet', data: { mailboxId, limits: { ...gmailLimits, perDay: 100, rampUp: null }, setAt: clock.plus(HOUR) } };
    spec
      .given([connected, set])
      .when({ type: 'SetMailboxLimits', limits: { perMinute: 5 }, now: later })
      .then([{ type: 'MailboxLimitsSet', data: { mailboxId, limits: { ...gmailLimits, perDay: 100, rampUp: null, perMinute: 5 }, setAt: later } }]);
  });

  it('records nothing when the limits are unchanged, whatever the order of their fields', () => {
    spec.given([connected]).when({ type: 'SetMailboxLimits', limits: { perDay: 500 }, now: later }).thenNothing();
    spec.given([connected]).when({ type: 'SetMailboxLimits', limits: {}, now: later }).thenNothing();
    spec
      .given([connected])
      .when({ type: 'SetMailboxLimits', limits: { rampUp: { increasePerDay: 10, startPerDay: 20 }, perDay: undefined }, now: later })
      .thenNothing();
  });

  it('refuses limits that are invalid once merged', () => {
    spec.given([connected]).when({ type: 'SetMailboxLimits', limits: { perMinute: 0 }, now: later }).thenThrows(InvalidMailbox, 'perMinute must be a whole number from 1 to 10000');
  });

  it('can be done while the mailbox is disconnected', () => {
    spec
      .given([connected, disconnected])
      .when({ type: 'SetMailboxLimits', limits: { perDay: 100 }, now: later })
      .then([{ type: 'MailboxLimitsSet', data: { mailboxId, limits: { ...gmailLimits, perDay: 100 }, setAt: later } }]);
  });
});

describe('disconnecting a mailbox', () => {
  it.each(['USER', 'REVOKED', 'AUTH_FAILED'] as const)('records the reason %s and its detail', (reason) => {
    spec
      .given([connected])
      .when({ type: 'DisconnectMailbox', reason, detail: 'by the provider', now: disconnectedAt })
      .then([{ type: 'MailboxDisconnected', data: { mailboxId, reason, detail: 'by the provider', disconnectedAt } }]);
  });

  it('cuts a long provider error to the 1000 characters an event keeps', () => {
    spec
      .given([connected])
      .when({ type: 'DisconnectMailbox', reason: 'AUTH_FAILED', detail: 'e'.repeat(5000), now: disconnectedAt })
      .then([{ type: 'MailboxDisconnected', data: { mailboxId, reason: 'AUTH_FAILED', detail: 'e'.repeat(1000), disconnectedAt } }]);
  });

  it('records it once, whatever the reason given the second time', () => {
    spec.given([connected, disconnected]).when({ type: 'DisconnectMailbox', reason: 'REVOKED', now: later }).thenNothing();
    spec.given([connected, disconnected]).when({ type: 'DisconnectMailbox', reason: 'AUTH_FAILED', now: later }).thenNothing();
  });
});

describe('reconnecting a mailbox', () => {
  const reconnected: MailboxEvent = { type: 'MailboxReconnected', data: { mailboxId, reconnectedAt: later } };

  it('records the reconnection of a disconnected mailbox', () => {
    spec.given([connected, disconnected]).when({ type: 'ReconnectMailbox', now: later }).then([reconnected]);
  });

  it('records nothing for a mailbox that is connected', () => {
    spec.given([connected]).when({ type: 'ReconnectMailbox', now: later }).thenNothing();
    spec.given([connected, disconnected, reconnected]).when({ type: 'ReconnectMailbox', now: clock.plus(3 * DAY) }).thenNothing();
  });

  it('keeps its limits, and it can be disconnected again', () => {
    const history = [connected, disconnected, reconnected];
    spec.given(history).when({ type: 'SetMailboxLimits', limits: { perDay: 500 }, now: clock.plus(3 * DAY) }).thenNothing();
    spec
      .given(history)
      .when({ type: 'DisconnectMailbox', reason: 'USER', now: clock.plus(3 * DAY) })
      .then([{ type: 'MailboxDisconnected', data: { mailboxId, reason: 'USER', disconnectedAt: clock.plus(3 * DAY) } }]);
  });
});
