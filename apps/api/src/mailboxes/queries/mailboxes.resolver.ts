import { Args, Query, Resolver } from '@nestjs/graphql';
import { IdArgs } from '../../common/args/id.args';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { MailboxModel } from './mailbox.model';
import { MailboxesQuery } from './mailboxes.query';

@Resolver(() => MailboxModel)
export class MailboxesResolver {
  constructor(private readonly query: MailboxesQuery) {}

  @Query(() => [MailboxModel], { description: "The workspace's mailboxes, connected ones first" })
  mailboxes(@CurrentActor() actor: Actor): Promise<MailboxModel[]> {
    return this.query.list(actor.workspaceId);
  }

  @Query(() => MailboxModel, { nullable: true })
  mailbox(@CurrentActor() actor: Actor, @Args() { id }: IdArgs): Promise<MailboxModel | null> {
    return this.query.byId(actor.workspaceId, id);
  }
}
