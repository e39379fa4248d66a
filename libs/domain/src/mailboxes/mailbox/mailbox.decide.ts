import { Email, MailboxEvent, MailboxLimits } from '@app/events';
import { Decider, assertNever } from '../../shared/decider';
import { MailboxAlreadyConnected, InvalidMailbox, MailboxNotFound } from './mailbox.errors';
import { checkLimits, defaultMailboxLimits } from './mailbox-limits';
import { evolveMailbox, initialMailboxState } from './mailbox.evolve';
import { MailboxCommand, MailboxState } from './mailbox.state';

/**
 * The limits actually given. An optional input left out can arrive as a key holding
 * `undefined` (class-based inputs declare every field); spread as is, it would wipe the
 * default or current value and fail checkLimits.
 */
function given(limits: Partial<MailboxLimits> | undefined): Partial<MailboxLimits> {
  return Object.fromEntries(Object.entries(limits ?? {}).filter(([, value]) => value !== undefined)) as Partial<MailboxLimits>;
}

/** Field by field: the same limits written in another key order are the same limits. */
function sameLimits(a: MailboxLimits, b: MailboxLimits): boolean {
  const sameRampUp = a.rampUp === null || b.rampUp === null ? a.rampUp === b.rampUp : a.rampUp.startPerDay === b.rampUp.startPerDay && a.rampUp.increasePerDay === b.rampUp.increasePerDay;
  return a.perDay === b.perDay && a.perMinute === b.perMinute && a.minSpacingSeconds === b.minSpacingSeconds && a.jitterSeconds === b.jitterSeconds && sameRampUp;
}

export function decideMailbox(command: MailboxCommand, state: MailboxState): MailboxEvent[] {
  if (command.type === 'ConnectMailbox') {
    if (state.status === 'connected') throw new MailboxAlreadyConnected();
    if (state.status === 'disconnected') return [{ type: 'MailboxReconnected', data: { mailboxId: state.mailboxId, reconnectedAt: command.now } }];
    const address = command.address.trim().toLowerCase();
    if (!Email.safeParse(address).success) throw new InvalidMailbox(`"${command.address}" is not a valid email address`);
    const limits = checkLimits({ ...defaultMailboxLimits(command.provider), ...given(command.limits) });
    const { mailboxId, workspaceId, provider } = command;
    const displayName = command.displayName?.trim() || undefined;
    if (displayName && displayName.length > 200) throw new InvalidMailbox('displayName must be at most 200 characters');
    return [{ type: 'MailboxConnected', data: { mailboxId, workspaceId, provider, address, displayName, limits, connectedAt: command.now } }];
  }
  if (state.status === 'none') throw new MailboxNotFound();
  const mailboxId = state.mailboxId;
  switch (command.type) {
    case 'SetMailboxLimits': {
      const limits = checkLimits({ ...state.limits, ...given(command.limits) });
      if (sameLimits(limits, state.limits)) return [];
      return [{ type: 'MailboxLimitsSet', data: { mailboxId, limits, setAt: command.now } }];
    }
    case 'DisconnectMailbox':
      if (state.status === 'disconnected') return [];
      // The detail is the provider's error text: cut to the schema's 1000 characters rather than lose the fact.
      return [{ type: 'MailboxDisconnected', data: { mailboxId, reason: command.reason, detail: command.detail?.slice(0, 1000), disconnectedAt: command.now } }];
    case 'ReconnectMailbox':
      if (state.status === 'connected') return [];
      return [{ type: 'MailboxReconnected', data: { mailboxId, reconnectedAt: command.now } }];
    default:
      return assertNever(command, 'mailbox command');
  }
}

export const mailboxDecider: Decider<MailboxCommand, MailboxEvent, MailboxState> = { initialState: initialMailboxState, evolve: evolveMailbox, decide: decideMailbox };
