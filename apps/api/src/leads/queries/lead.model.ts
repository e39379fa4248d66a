import { Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsString, Length, MaxLength } from 'class-validator';
import { ConnectionOf } from '../../common/pagination/connection';

export enum LeadStatusEnum {
  CONTACTABLE = 'CONTACTABLE',
  SUPPRESSED = 'SUPPRESSED',
  UNSUBSCRIBED = 'UNSUBSCRIBED',
  ERASED = 'ERASED',
}
registerEnumType(LeadStatusEnum, {
  name: 'LeadStatus',
  description: 'SUPPRESSED (hard bounce, complaint), UNSUBSCRIBED and ERASED (personal data deleted) leads are never sent to',
});

export enum SuppressionReasonEnum {
  HARD_BOUNCE = 'HARD_BOUNCE',
  COMPLAINT = 'COMPLAINT',
  MANUAL = 'MANUAL',
}
registerEnumType(SuppressionReasonEnum, { name: 'SuppressionReason' });

export enum LeadSourceEnum {
  MANUAL = 'MANUAL',
  IMPORT = 'IMPORT',
}
registerEnumType(LeadSourceEnum, { name: 'LeadSource' });

/**
 * Custom fields travel as a list of key/value pairs rather than a JSON scalar: the schema then
 * says exactly what is accepted (text values under identifier-like keys) and clients get types.
 */
@ObjectType('CustomField', { description: 'A custom field of a lead; templates read it as {{key}}' })
export class CustomFieldModel {
  @Field()
  key!: string;

  @Field()
  value!: string;
}

@InputType({ description: 'A custom field: key is letters, digits and _ (not starting with a digit), value at most 2000 characters' })
export class CustomFieldInput {
  @Field()
  @IsString()
  @Length(1, 64)
  key!: string;

  @Field()
  @IsString()
  @MaxLength(2000)
  value!: string;
}

@ObjectType('Lead')
export class LeadModel {
  @Field(() => ID)
  id!: string;

  @Field()
  email!: string;

  @Field(() => String, { nullable: true })
  firstName!: string | null;

  @Field(() => String, { nullable: true })
  lastName!: string | null;

  @Field(() => String, { nullable: true })
  company!: string | null;

  @Field(() => String, { nullable: true })
  title!: string | null;

  @Field(() => String, { nullable: true, description: 'IANA time zone; send windows follow it' })
  timezone!: string | null;

  @Field(() => [CustomFieldModel], { description: 'Sorted by key' })
  customFields!: CustomFieldModel[];

  @Field(() => LeadStatusEnum)
  status!: LeadStatusEnum;

  @Field(() => SuppressionReasonEnum, { nullable: true })
  suppressionReason!: SuppressionReasonEnum | null;

  @Field(() => Date, { nullable: true })
  unsubscribedAt!: Date | null;

  @Field(() => LeadSourceEnum)
  source!: LeadSourceEnum;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

export const LeadConnection = ConnectionOf(LeadModel, 'Lead');
