import { Field, Int, Mutation, ObjectType, Resolver, registerEnumType } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { AllowRoles, CurrentActor } from '../../common/auth/auth.decorators';
import { AnchorEventLogCommand } from './anchor-event-log.handler';

export enum AnchorOutcomeEnum {
  ANCHORED = 'ANCHORED',
  UNCHANGED = 'UNCHANGED',
  REFUSED = 'REFUSED',
}
registerEnumType(AnchorOutcomeEnum, {
  name: 'AnchorOutcome',
  description: 'ANCHORED: a new AuditAnchored event; UNCHANGED: nothing changed since the last anchor; REFUSED: a stream lost events since the last anchor (see detail)',
});

@ObjectType('AuditAnchorResult')
export class AuditAnchorResultModel {
  @Field(() => AnchorOutcomeEnum)
  outcome!: AnchorOutcomeEnum;

  @Field(() => String, { nullable: true })
  anchorId!: string | null;

  @Field(() => String, { nullable: true })
  merkleRoot!: string | null;

  @Field(() => Int, { nullable: true })
  streams!: number | null;

  @Field(() => Int, { nullable: true })
  events!: number | null;

  @Field(() => String, { nullable: true, description: 'For REFUSED: the stream and what is wrong with it' })
  detail!: string | null;
}

@Resolver()
export class AnchorEventLogResolver {
  constructor(private readonly commandBus: CommandBus) {}

  @Mutation(() => AuditAnchorResultModel, {
    description: "Anchors the workspace's log now: a Merkle root over every stream's length and head hash, recorded as AuditAnchored (the schedulers also do it every hour)",
  })
  @AllowRoles('OWNER', 'ADMIN')
  async anchorEventLog(@CurrentActor() actor: Actor): Promise<AuditAnchorResultModel> {
    const outcome = await this.commandBus.execute(new AnchorEventLogCommand(actor));
    switch (outcome.kind) {
      case 'anchored':
        return { outcome: AnchorOutcomeEnum.ANCHORED, anchorId: outcome.anchorId, merkleRoot: outcome.merkleRoot, streams: outcome.streams, events: outcome.events, detail: null };
      case 'unchanged':
        return { outcome: AnchorOutcomeEnum.UNCHANGED, anchorId: null, merkleRoot: outcome.merkleRoot, streams: outcome.streams, events: outcome.events, detail: null };
      case 'refused':
        return { outcome: AnchorOutcomeEnum.REFUSED, anchorId: null, merkleRoot: null, streams: null, events: null, detail: `${outcome.streamId}: ${outcome.detail}` };
      default: {
        const never: never = outcome;
        return never;
      }
    }
  }
}
