import { Args, ArgsType, Field, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Type } from 'class-transformer';
import { ValidateNested } from 'class-validator';
import { IdArgs } from '../../common/args/id.args';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { MailboxLimitsInput } from '../mailbox-limits.input';
import { MailboxModel } from '../queries/mailbox.model';
import { MailboxesQuery } from '../queries/mailboxes.query';
import { SetMailboxLimitsCommand } from './set-mailbox-limits.handler';

@ArgsType()
export class SetMailboxLimitsArgs extends IdArgs {
  @Field(() => MailboxLimitsInput)
  @ValidateNested()
  @Type(() => MailboxLimitsInput)
  limits!: MailboxLimitsInput;
}

@Resolver()
export class SetMailboxLimitsResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly mailboxes: MailboxesQuery,
  ) {}

  @Mutation(() => MailboxModel, { description: 'Change how fast a mailbox may send (only the limits given change)' })
  async setMailboxLimits(@CurrentActor() actor: Actor, @Args() { id, limits }: SetMailboxLimitsArgs): Promise<MailboxModel> {
    const { position } = await this.commandBus.execute(new SetMailboxLimitsCommand(actor, id, limits));
    return this.mailboxes.afterWrite(actor.workspaceId, id, position);
  }
}
