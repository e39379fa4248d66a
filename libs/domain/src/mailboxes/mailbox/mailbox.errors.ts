import { DomainError } from '../../shared/domain-error';

export class MailboxNotFound extends DomainError {
  readonly code = 'MAILBOX.NOT_FOUND';
  readonly kind = 'NOT_FOUND';
  constructor(readonly mailboxId?: string) {
    super(mailboxId ? `Mailbox ${mailboxId} not found` : 'Mailbox not found');
  }
}
export class MailboxAlreadyConnected extends DomainError {
  readonly code = 'MAILBOX.ALREADY_CONNECTED';
  readonly kind = 'CONFLICT';
  constructor() {
    super('This mailbox is already connected');
  }
}
export class InvalidMailbox extends DomainError {
  readonly code = 'MAILBOX.INVALID';
  readonly kind = 'BAD_INPUT';
}
