import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { MailboxesQuery } from '../queries/mailboxes.query';
import { ConnectMailboxCommand } from './connect-mailbox.handler';
import { ConnectMailboxInput, ConnectMailboxPayload } from './connect-mailbox.input';

@Resolver()
export class ConnectMailboxResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly mailboxes: MailboxesQuery,
  ) {}

  @Mutation(() => ConnectMailboxPayload, {
    description: 'Connect a mailbox to send from (or connect one again after it was disconnected): GMAIL and OUTLOOK answer with the consent page to open; SMTP and OUTBOX are connected at once',
  })
  async connectMailbox(@CurrentActor() actor: Actor, @Args('input') input: ConnectMailboxInput): Promise<ConnectMailboxPayload> {
    const result = await this.commandBus.execute(new ConnectMailboxCommand(actor, input));
    if ('authorizeUrl' in result) return { authorizeUrl: result.authorizeUrl, mailbox: null };
    return { authorizeUrl: null, mailbox: await this.mailboxes.afterWrite(actor.workspaceId, result.mailboxId, result.position) };
  }
}
