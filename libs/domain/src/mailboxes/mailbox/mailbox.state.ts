import { MailboxLimits, MailboxProvider } from '@app/events';

type Base = { mailboxId: string; workspaceId: string; provider: MailboxProvider; address: string; displayName?: string; limits: MailboxLimits; connectedAt: string };

export type MailboxState =
  | { status: 'none' }
  | ({ status: 'connected' } & Base)
  | ({ status: 'disconnected'; reason: 'USER' | 'REVOKED' | 'AUTH_FAILED'; detail?: string } & Base);

export type MailboxCommand =
  | {
      type: 'ConnectMailbox';
      mailboxId: string;
      workspaceId: string;
      provider: MailboxProvider;
      address: string;
      displayName?: string;
      /** Defaults to the provider's published limits. */
      limits?: Partial<MailboxLimits>;
      now: string;
    }
  | { type: 'SetMailboxLimits'; limits: Partial<MailboxLimits>; now: string }
  | { type: 'DisconnectMailbox'; reason: 'USER' | 'REVOKED' | 'AUTH_FAILED'; detail?: string; now: string }
  | { type: 'ReconnectMailbox'; now: string };
