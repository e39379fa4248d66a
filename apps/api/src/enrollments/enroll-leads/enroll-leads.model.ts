import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { EnrollmentModel } from '../queries/enrollment.model';

export enum EnrollLeadOutcomeEnum {
  ENROLLED = 'ENROLLED',
  ALREADY_ENROLLED = 'ALREADY_ENROLLED',
  NOT_CONTACTABLE = 'NOT_CONTACTABLE',
  NOT_FOUND = 'NOT_FOUND',
}
registerEnumType(EnrollLeadOutcomeEnum, { name: 'EnrollLeadOutcome' });

@ObjectType('EnrollLeadResult')
export class EnrollLeadResultModel {
  @Field(() => ID)
  leadId!: string;

  @Field(() => EnrollLeadOutcomeEnum)
  outcome!: EnrollLeadOutcomeEnum;

  @Field(() => ID, { nullable: true, description: 'The enrollment, when there is one (ENROLLED, ALREADY_ENROLLED)' })
  enrollmentId!: string | null;

  @Field(() => String, { nullable: true, description: 'Why it was not enrolled' })
  message!: string | null;

  @Field(() => EnrollmentModel, { nullable: true, description: 'The enrollment as it is now' })
  enrollment?: EnrollmentModel | null;
}

@ObjectType('EnrollLeadsResult')
export class EnrollLeadsResultModel {
  @Field(() => ID)
  campaignId!: string;

  @Field(() => Int, { description: 'Leads newly enrolled (a lead id given twice counts once)' })
  enrolled!: number;

  @Field(() => [EnrollLeadResultModel], { description: 'One per lead id, in the order given' })
  results!: EnrollLeadResultModel[];
}
