import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('LogBreak', { description: 'Where the log stops being what it was' })
export class LogBreakModel {
  @Field()
  streamId!: string;

  @Field(() => Int, { description: 'The first revision that is wrong or missing' })
  revision!: number;

  @Field(() => String, { nullable: true, description: 'The event at that revision (for a truncation: the last one the anchor saw)' })
  eventId!: string | null;

  @Field({ description: 'hash-mismatch (altered), prev-hash-mismatch, revision-gap, truncated, rewritten, anchor-altered' })
  reason!: string;

  @Field()
  detail!: string;
}

@ObjectType('AnchorChecked', { description: 'The anchor the streams were compared with' })
export class AnchorCheckedModel {
  @Field()
  anchorId!: string;

  @Field()
  anchoredAt!: Date;

  @Field()
  merkleRoot!: string;

  @Field(() => Int)
  streams!: number;

  @Field({ description: 'The stored leaves still give the root the anchor event recorded' })
  rootMatches!: boolean;
}

@ObjectType('LogVerification')
export class LogVerificationModel {
  @Field({ description: 'Every chain holds and nothing the newest anchor saw is missing or different' })
  ok!: boolean;

  @Field(() => Int)
  streams!: number;

  @Field(() => Int)
  events!: number;

  @Field(() => LogBreakModel, { nullable: true })
  firstBreak!: LogBreakModel | null;

  @Field(() => [LogBreakModel], { description: 'Every break found (at most 100)' })
  breaks!: LogBreakModel[];

  @Field(() => AnchorCheckedModel, { nullable: true, description: 'Null when the workspace was never anchored' })
  anchor!: AnchorCheckedModel | null;

  @Field()
  verifiedAt!: Date;
}
