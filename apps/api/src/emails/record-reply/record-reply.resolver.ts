import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { notFound } from '../../common/errors/api-errors';
import { ProjectionWatermarks } from '../../common/read-your-writes/projection-watermarks';
import { EMAIL_FACT_PROJECTIONS } from '../email-ref';
import { EmailModel } from '../queries/email.model';
import { EmailsQuery } from '../queries/emails.query';
import { RecordReplyCommand } from './record-reply.handler';
import { RecordReplyInput } from './record-reply.input';

@Resolver()
export class RecordReplyResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly watermarks: ProjectionWatermarks,
    private readonly emails: EmailsQuery,
  ) {}

  @Mutation(() => EmailModel, { description: 'Record a reply to an email; a human reply stops the enrollment when the campaign stops on reply' })
  async recordReply(@CurrentActor() actor: Actor, @Args('input') input: RecordReplyInput): Promise<EmailModel> {
    const reply = { kind: input.kind, receivedAt: input.receivedAt ?? undefined, snippet: input.snippet ?? undefined };
    const { position } = await this.commandBus.execute(new RecordReplyCommand(actor, input.emailId, reply));
    await this.watermarks.waitFor(EMAIL_FACT_PROJECTIONS, position);
    return (await this.emails.byId(actor.workspaceId, input.emailId)) ?? Promise.reject(notFound('Email', input.emailId));
  }
}
