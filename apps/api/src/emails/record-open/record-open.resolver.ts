import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { notFound } from '../../common/errors/api-errors';
import { ProjectionWatermarks } from '../../common/read-your-writes/projection-watermarks';
import { EMAIL_FACT_PROJECTIONS } from '../email-ref';
import { EmailModel } from '../queries/email.model';
import { EmailsQuery } from '../queries/emails.query';
import { RecordOpenCommand } from './record-open.handler';
import { RecordOpenInput } from './record-open.input';

@Resolver()
export class RecordOpenResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly watermarks: ProjectionWatermarks,
    private readonly emails: EmailsQuery,
  ) {}

  @Mutation(() => EmailModel, { description: 'Record an open seen elsewhere (the pixel records its own)' })
  async recordOpen(@CurrentActor() actor: Actor, @Args('input') input: RecordOpenInput): Promise<EmailModel> {
    const hit = { ip: input.ip ?? undefined, userAgent: input.userAgent ?? undefined };
    const { position } = await this.commandBus.execute(new RecordOpenCommand({ kind: 'member', actor }, input.emailId, hit));
    await this.watermarks.waitFor(EMAIL_FACT_PROJECTIONS, position);
    return (await this.emails.byId(actor.workspaceId, input.emailId)) ?? Promise.reject(notFound('Email', input.emailId));
  }
}
