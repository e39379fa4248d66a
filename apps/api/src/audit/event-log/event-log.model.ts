import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { ConnectionOf } from '../../common/pagination/connection';

@ObjectType('EventLogEntry', { description: 'One event of the workspace with everything the log knows about it' })
export class EventLogEntryModel {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'Opaque global position (order of the log)' })
  position!: string;

  @Field()
  type!: string;

  @Field(() => Int, { description: 'Payload version after upcasting' })
  version!: number;

  @Field(() => Int, { description: 'Payload version it was written with' })
  schemaVersion!: number;

  @Field()
  streamId!: string;

  @Field(() => Int, { description: '0-based place in its stream' })
  revision!: number;

  @Field()
  occurredAt!: Date;

  @Field({ description: 'Who did it: a user id, lead:<id> for a recipient, or system:<part>' })
  actorId!: string;

  @Field()
  correlationId!: string;

  @Field(() => String, { nullable: true, description: 'The event that caused it, when a reaction' })
  causationId!: string | null;

  @Field({ description: 'Hash of the previous event of the stream (64 zeros for the first)' })
  prevHash!: string;

  @Field({ description: 'SHA-256 over prevHash and the stored bytes of this event' })
  hash!: string;

  @Field({ description: 'The payload as JSON; personal fields read "[erased]" when withheld or erased' })
  data!: string;

  @Field({ description: "True when the lead's key is gone: its personal fields are erased for good" })
  personalDataErased!: boolean;

  @Field({ description: 'True when personal fields were not opened for this read (ask withPersonalData)' })
  personalDataWithheld!: boolean;
}

export const EventLogConnection = ConnectionOf(EventLogEntryModel, 'EventLog');
