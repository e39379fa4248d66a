import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { IdArgs } from '../../common/args/id.args';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { MailboxModel } from '../queries/mailbox.model';
import { MailboxesQuery } from '../queries/mailboxes.query';
import { DisconnectMailboxCommand } from './disconnect-mailbox.handler';

@Resolver()
export class DisconnectMailboxResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly mailboxes: MailboxesQuery,
  ) {}

  @Mutation(() => MailboxModel, { description: 'Stop sending from a mailbox and forget its credentials; its emails wait (or go from the campaign’s other mailboxes) until it is connected again' })
  async disconnectMailbox(@CurrentActor() actor: Actor, @Args() { id }: IdArgs): Promise<MailboxModel> {
    const { position } = await this.commandBus.execute(new DisconnectMailboxCommand(actor, id));
    return this.mailboxes.afterWrite(actor.workspaceId, id, position);
  }
}
