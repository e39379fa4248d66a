import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { notFound } from '../../common/errors/api-errors';
import { ProjectionWatermarks } from '../../common/read-your-writes/projection-watermarks';
import { EMAIL_FACT_PROJECTIONS } from '../email-ref';
import { EmailModel } from '../queries/email.model';
import { EmailsQuery } from '../queries/emails.query';
import { RecordBounceCommand } from './record-bounce.handler';
import { RecordBounceInput } from './record-bounce.input';

@Resolver()
export class RecordBounceResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly watermarks: ProjectionWatermarks,
    private readonly emails: EmailsQuery,
  ) {}

  @Mutation(() => EmailModel, { description: 'Record a bounce; a HARD bounce stops the enrollment and suppresses the lead' })
  async recordBounce(@CurrentActor() actor: Actor, @Args('input') input: RecordBounceInput): Promise<EmailModel> {
    const { position } = await this.commandBus.execute(new RecordBounceCommand(actor, input.emailId, { kind: input.kind, reason: input.reason }));
    await this.watermarks.waitFor(EMAIL_FACT_PROJECTIONS, position);
    return (await this.emails.byId(actor.workspaceId, input.emailId)) ?? Promise.reject(notFound('Email', input.emailId));
  }
}
