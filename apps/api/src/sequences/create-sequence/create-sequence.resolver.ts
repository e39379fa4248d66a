import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { notFound } from '../../common/errors/api-errors';
import { ProjectionWatermarks } from '../../common/read-your-writes/projection-watermarks';
import { SequenceModel } from '../queries/sequence.model';
import { SequencesQuery } from '../queries/sequences.query';
import { CreateSequenceCommand } from './create-sequence.handler';
import { CreateSequenceInput } from './create-sequence.input';

@Resolver()
export class CreateSequenceResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly watermarks: ProjectionWatermarks,
    private readonly sequences: SequencesQuery,
  ) {}

  @Mutation(() => SequenceModel, { description: 'Create a sequence of steps; every template it names must exist in the workspace' })
  async createSequence(@CurrentActor() actor: Actor, @Args('input') input: CreateSequenceInput): Promise<SequenceModel> {
    const { sequenceId, position } = await this.commandBus.execute(new CreateSequenceCommand(actor, input));
    await this.watermarks.waitFor(['sequences'], position);
    return (await this.sequences.byId(actor.workspaceId, sequenceId)) ?? Promise.reject(notFound('Sequence', sequenceId));
  }
}
