export const SCHEDULERS_SETTINGS = Symbol('SCHEDULERS_SETTINGS');
/** The schedulers' own pool (a pg Pool) and Kysely on it: see SchedulersModule for why. */
export const SCHEDULERS_POOL = Symbol('SCHEDULERS_POOL');
export const SCHEDULERS_DB = Symbol('SCHEDULERS_DB');
/** The delivery work queue (JetStream with NATS_URL, in-process without). */
export const DELIVERY_QUEUE = Symbol('DELIVERY_QUEUE');
/** Where messages leave the system (the local outbox for now). */
export const MAIL_TRANSPORT = Symbol('MAIL_TRANSPORT');
/** The connection holding every reactor's advisory lock. */
export const SCHEDULERS_LOCKS = Symbol('SCHEDULERS_LOCKS');
/** The provider clients of the workspace mailboxes (MailboxConnections). */
export const MAILBOX_CONNECTIONS = Symbol('MAILBOX_CONNECTIONS');
