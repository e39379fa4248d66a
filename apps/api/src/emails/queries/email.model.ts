import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum EmailStatusEnum {
  QUEUED = 'QUEUED',
  SENT = 'SENT',
  FAILED = 'FAILED',
}
registerEnumType(EmailStatusEnum, { name: 'EmailStatus' });

export enum BounceKindEnum {
  HARD = 'HARD',
  SOFT = 'SOFT',
}
registerEnumType(BounceKindEnum, { name: 'BounceKind', description: 'HARD: the address does not exist (the lead is suppressed); SOFT: a temporary failure' });

@ObjectType('EmailLink', { description: 'A link of the email as written in the template, and the tracked URL that redirects to it' })
export class EmailLinkModel {
  @Field(() => Int)
  index!: number;

  @Field()
  url!: string;

  @Field()
  trackingUrl!: string;
}

@ObjectType('EmailTrackingUrls', { description: 'Signed public URLs of this email: the open pixel, its links, one-click unsubscribe' })
export class EmailTrackingUrlsModel {
  @Field()
  pixel!: string;

  @Field()
  unsubscribe!: string;

  @Field(() => [EmailLinkModel])
  links!: EmailLinkModel[];
}

@ObjectType('Email', { description: 'One email of an enrollment: what was sent and what it got' })
export class EmailModel {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  enrollmentId!: string;

  @Field(() => ID)
  campaignId!: string;

  @Field(() => ID)
  leadId!: string;

  @Field(() => Int, { description: '0-based step of the sequence' })
  stepIndex!: number;

  @Field({ description: 'A/B variant key' })
  variant!: string;

  @Field(() => ID)
  templateId!: string;

  @Field(() => Int)
  templateRevision!: number;

  @Field()
  to!: string;

  @Field()
  subject!: string;

  @Field({ description: 'The HTML body as rendered for this lead (links as written; tracking is added when sending)' })
  body!: string;

  @Field()
  bodyText!: string;

  @Field(() => EmailStatusEnum)
  status!: EmailStatusEnum;

  @Field()
  queuedAt!: Date;

  @Field(() => Date, { nullable: true })
  sentAt!: Date | null;

  @Field(() => Date, { nullable: true })
  failedAt!: Date | null;

  @Field(() => String, { nullable: true })
  failureReason!: string | null;

  @Field(() => Int, { description: 'Opens by a person (pixel fetches that are not mail proxies or scanners)' })
  openCount!: number;

  @Field(() => Int, { description: 'Pixel fetches by mail proxies, privacy prefetchers and scanners' })
  machineOpenCount!: number;

  @Field(() => Date, { nullable: true, description: 'When a person first showed they read it: a human open, or a click or reply before any open' })
  firstOpenedAt!: Date | null;

  @Field(() => Int)
  clickCount!: number;

  @Field(() => Date, { nullable: true })
  firstClickedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  repliedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  bouncedAt!: Date | null;

  @Field(() => BounceKindEnum, { nullable: true })
  bounceKind!: BounceKindEnum | null;

  /** The recorded links, for the trackingUrls field. */
  links!: { index: number; url: string }[];
}
