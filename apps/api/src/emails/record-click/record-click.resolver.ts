import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { notFound } from '../../common/errors/api-errors';
import { ProjectionWatermarks } from '../../common/read-your-writes/projection-watermarks';
import { EMAIL_FACT_PROJECTIONS } from '../email-ref';
import { EmailModel } from '../queries/email.model';
import { EmailsQuery } from '../queries/emails.query';
import { RecordClickCommand } from './record-click.handler';
import { RecordClickInput } from './record-click.input';

@Resolver()
export class RecordClickResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly watermarks: ProjectionWatermarks,
    private readonly emails: EmailsQuery,
  ) {}

  @Mutation(() => EmailModel, { description: 'Record a click on one of the email’s links (tracked links record their own)' })
  async recordClick(@CurrentActor() actor: Actor, @Args('input') input: RecordClickInput): Promise<EmailModel> {
    const { position } = await this.commandBus.execute(new RecordClickCommand({ kind: 'member', actor }, input.emailId, { url: input.url }));
    await this.watermarks.waitFor(EMAIL_FACT_PROJECTIONS, position);
    return (await this.emails.byId(actor.workspaceId, input.emailId)) ?? Promise.reject(notFound('Email', input.emailId));
  }
}
