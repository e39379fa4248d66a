import { Args, Query, Resolver } from '@nestjs/graphql';
import { IdArgs } from '../../common/args/id.args';
import { PageArgs } from '../../common/args/page.args';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { notFound } from '../../common/errors/api-errors';
import { Connection } from '../../common/pagination/connection';
import { SequenceConnection, SequenceModel } from './sequence.model';
import { SequencesQuery } from './sequences.query';

@Resolver(() => SequenceModel)
export class SequencesResolver {
  constructor(private readonly query: SequencesQuery) {}

  @Query(() => SequenceConnection, { description: "The workspace's sequences, oldest first" })
  sequences(@CurrentActor() actor: Actor, @Args() { first, after }: PageArgs): Promise<Connection<SequenceModel>> {
    return this.query.list(actor.workspaceId, first, after);
  }

  @Query(() => SequenceModel)
  async sequence(@CurrentActor() actor: Actor, @Args() { id }: IdArgs): Promise<SequenceModel> {
    return (await this.query.byId(actor.workspaceId, id)) ?? Promise.reject(notFound('Sequence', id));
  }
}
