import { Args, ArgsType, Field, Query, Resolver } from '@nestjs/graphql';
import { CLOCK, Clock } from '@app/platform';
import { Inject } from '@nestjs/common';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { Actor } from '../../common/auth/actor';
import { AllowRoles, CurrentActor } from '../../common/auth/auth.decorators';
import { notFound } from '../../common/errors/api-errors';
import { AuditTrail, LOG_READERS, WorkspaceAuditService } from '../audit-trail';
import { LogVerificationModel } from './verification.model';

@ArgsType()
export class VerifyEventLogArgs {
  @Field(() => String, { nullable: true, description: 'One stream (e.g. lead-<id>); default: every stream of the workspace' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  streamId?: string | null;
}

@Resolver()
export class VerifyEventLogResolver {
  constructor(
    private readonly audit: WorkspaceAuditService,
    private readonly trail: AuditTrail,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Query(() => LogVerificationModel, {
    description:
      "Recomputes the hash chains of the workspace's streams (or one) from the stored events and compares them with the newest anchor: ok, or the first broken link. Recorded (EventLogRead).",
  })
  @AllowRoles(...LOG_READERS)
  async verifyEventLog(@CurrentActor() actor: Actor, @Args() { streamId }: VerifyEventLogArgs): Promise<LogVerificationModel> {
    if (streamId && !(await this.audit.hasStream(actor.workspaceId, streamId))) throw notFound('Stream', streamId);
    const result = await this.audit.verify(actor.workspaceId, { streamId: streamId ?? undefined });
    await this.trail.recordRead(actor, 'VERIFY', { streamId: streamId ?? 'all' }, result.events);
    return {
      ...result,
      anchor: result.anchor ? { ...result.anchor, anchoredAt: new Date(result.anchor.anchoredAt) } : null,
      verifiedAt: this.clock.now(),
    };
  }
}
