import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('ProjectionStatus', { description: 'One schema of a read model (or a read model with none yet), and how far behind the log it is' })
export class ProjectionStatusModel {
  @Field()
  name!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => String, { nullable: true, description: 'proj_<name>_v<version>[_r<n> | _asof_<moment>]' })
  schema!: string | null;

  @Field(() => String, { nullable: true, description: 'live (serves reads), rebuild, or replay (as of `until`)' })
  purpose!: string | null;

  @Field({ description: 'live, building, ready (a finished replay), retired, or missing (never started)' })
  state!: string;

  @Field(() => String, { nullable: true, description: 'Opaque position of the last event applied' })
  checkpoint!: string | null;

  @Field(() => Float, { description: 'Events applied since it was created' })
  eventsApplied!: number;

  @Field(() => Float, { nullable: true, description: 'Events of its types after its checkpoint (null when the store cannot count them)' })
  eventsBehind!: number | null;

  @Field(() => Int, { description: 'Age in seconds of the oldest event it has not applied (0 when caught up)' })
  lagSeconds!: number;

  @Field(() => Date, { nullable: true, description: 'A replay: the moment it shows' })
  until!: Date | null;

  @Field(() => Int, { description: 'Events set aside after failing repeatedly' })
  parked!: number;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field(() => Date, { nullable: true })
  updatedAt!: Date | null;
}
