import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionOf } from '../../common/pagination/connection';

export enum StepConditionEnum {
  ALWAYS = 'ALWAYS',
  IF_NOT_OPENED = 'IF_NOT_OPENED',
  IF_NOT_CLICKED = 'IF_NOT_CLICKED',
  IF_NOT_REPLIED = 'IF_NOT_REPLIED',
}
registerEnumType(StepConditionEnum, {
  name: 'StepCondition',
  description: 'When a step is sent: always, or only if the lead has not opened / clicked / replied to an earlier email of the sequence',
});

@ObjectType('SequenceVariant', { description: 'One A/B variant of a step; a plain step has a single variant A' })
export class SequenceVariantModel {
  @Field({ description: 'A, B, C, ... in the order given' })
  key!: string;

  @Field(() => ID)
  templateId!: string;

  @Field(() => Int, { description: 'Relative weight (1 to 100) of this variant among the step’s variants' })
  weight!: number;
}

@ObjectType('SequenceStep')
export class SequenceStepModel {
  @Field(() => Int, { description: '0-based position in the sequence' })
  index!: number;

  @Field({ description: 'ISO-8601 duration after the previous step (after enrolment or launch for the first)' })
  delay!: string;

  @Field(() => StepConditionEnum)
  condition!: StepConditionEnum;

  @Field(() => [SequenceVariantModel])
  variants!: SequenceVariantModel[];
}

@ObjectType('Sequence')
export class SequenceModel {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => [SequenceStepModel])
  steps!: SequenceStepModel[];

  @Field(() => Int)
  stepCount!: number;

  @Field()
  createdAt!: Date;
}

export const SequenceConnection = ConnectionOf(SequenceModel, 'Sequence');
