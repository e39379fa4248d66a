import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum MailboxProviderEnum {
  GMAIL = 'GMAIL',
  OUTLOOK = 'OUTLOOK',
  SMTP = 'SMTP',
  OUTBOX = 'OUTBOX',
}
registerEnumType(MailboxProviderEnum, {
  name: 'MailboxProvider',
  description: 'GMAIL and OUTLOOK connect through OAuth 2.0; SMTP with a host and a password; OUTBOX writes .eml files (for trying things out)',
});

export enum MailboxStatusEnum {
  CONNECTED = 'CONNECTED',
  DISCONNECTED = 'DISCONNECTED',
}
registerEnumType(MailboxStatusEnum, { name: 'MailboxStatus', description: "A disconnected mailbox sends nothing: its campaigns' emails wait (they are not dropped) until it is connected again" });

export enum MailboxDisconnectReasonEnum {
  USER = 'USER',
  REVOKED = 'REVOKED',
  AUTH_FAILED = 'AUTH_FAILED',
}
registerEnumType(MailboxDisconnectReasonEnum, {
  name: 'MailboxDisconnectReason',
  description: 'USER: disconnected by a member. REVOKED: the access was withdrawn or expired at the provider. AUTH_FAILED: the provider refuses its credentials. Connect it again to resume sending.',
});

@ObjectType('MailboxRampUp', { description: 'A new mailbox starts at startPerDay and may send increasePerDay more each day since it was connected, up to perDay' })
export class MailboxRampUpModel {
  @Field(() => Int)
  startPerDay!: number;

  @Field(() => Int)
  increasePerDay!: number;
}

@ObjectType('MailboxLimits', { description: 'How fast a mailbox may send; over a limit, sends wait for the next slot (they never fail)' })
export class MailboxLimitsModel {
  @Field(() => Int, { description: 'Per rolling 24 hours' })
  perDay!: number;

  @Field(() => Int)
  perMinute!: number;

  @Field(() => Int, { description: 'At least this long between two sends' })
  minSpacingSeconds!: number;

  @Field(() => Int, { description: 'Plus a random wait of up to this long' })
  jitterSeconds!: number;

  @Field(() => MailboxRampUpModel, { nullable: true })
  rampUp!: MailboxRampUpModel | null;
}

@ObjectType('Mailbox', { description: 'A mailbox campaigns send from, and whose inbox is read for replies and bounces' })
export class MailboxModel {
  @Field(() => ID)
  id!: string;

  @Field(() => MailboxProviderEnum)
  provider!: MailboxProviderEnum;

  @Field()
  address!: string;

  @Field(() => String, { nullable: true })
  displayName!: string | null;

  @Field(() => MailboxStatusEnum)
  status!: MailboxStatusEnum;

  @Field(() => MailboxDisconnectReasonEnum, { nullable: true })
  disconnectReason!: MailboxDisconnectReasonEnum | null;

  @Field(() => String, { nullable: true, description: "The provider's words, when it refused" })
  disconnectDetail!: string | null;

  @Field(() => Date)
  connectedAt!: Date;

  @Field(() => Date, { nullable: true })
  disconnectedAt!: Date | null;

  @Field(() => MailboxLimitsModel)
  limits!: MailboxLimitsModel;

  @Field(() => Int, { description: 'What it may send in 24 hours today, ramp-up included' })
  dailyAllowance!: number;

  @Field(() => Int, { description: 'Emails handed to it in the last 24 hours' })
  sentLast24Hours!: number;

  @Field(() => Int, { description: 'Emails of its campaigns queued and not sent yet (waiting for it while it is disconnected)' })
  waitingEmails!: number;
}
