import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { StopReasons } from '@app/events';

export enum EnrollmentStatusEnum {
  WAITING = 'WAITING',
  ACTIVE = 'ACTIVE',
  COMPLETED = 'COMPLETED',
  STOPPED = 'STOPPED',
}
registerEnumType(EnrollmentStatusEnum, { name: 'EnrollmentStatus', description: 'WAITING: enrolled in a campaign not launched yet' });

export const StopReasonEnum = Object.fromEntries(StopReasons.map((r) => [r, r])) as { [K in (typeof StopReasons)[number]]: K };
export type StopReasonEnum = (typeof StopReasons)[number];
registerEnumType(StopReasonEnum, { name: 'StopReason' });

@ObjectType('Enrollment', { description: 'One lead in one campaign' })
export class EnrollmentModel {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  campaignId!: string;

  @Field(() => ID)
  leadId!: string;

  @Field(() => ID)
  sequenceId!: string;

  @Field(() => EnrollmentStatusEnum)
  status!: EnrollmentStatusEnum;

  @Field(() => StopReasonEnum, { nullable: true })
  stopReason!: StopReasonEnum | null;

  @Field(() => Int, { nullable: true, description: '0-based index of the step in progress (null before launch and once finished)' })
  currentStep!: number | null;

  @Field(() => Int)
  stepCount!: number;

  @Field(() => Date, { nullable: true, description: 'When the current step is due' })
  nextDueAt!: Date | null;

  @Field(() => Int)
  emailsSent!: number;

  @Field()
  enrolledAt!: Date;

  @Field(() => Date, { nullable: true })
  firstSentAt!: Date | null;

  @Field(() => Date, { nullable: true })
  firstOpenedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  firstClickedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  repliedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  bouncedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  unsubscribedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it completed or stopped' })
  finishedAt!: Date | null;
}
