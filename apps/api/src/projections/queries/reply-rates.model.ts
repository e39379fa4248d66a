import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
// The same GraphQL Weekday as send windows use.
import { WeekdayEnum } from '../../sending/queries/campaign-sending.model';

export { WeekdayEnum };

@ObjectType('SendTimeReplyRate', { description: "Sends and human replies for one weekday and hour of sending, in the lead's time zone (UTC when it has none)" })
export class SendTimeReplyRateModel {
  @Field(() => WeekdayEnum)
  weekday!: WeekdayEnum;

  @Field(() => Int, { description: '0 to 23, local to the lead' })
  hour!: number;

  @Field(() => Int, { description: 'Emails sent in that slot' })
  sent!: number;

  @Field(() => Int, { description: 'Of those, answered by a person (auto-replies do not count)' })
  replied!: number;

  @Field(() => Float, { description: 'replied / sent' })
  replyRate!: number;
}
