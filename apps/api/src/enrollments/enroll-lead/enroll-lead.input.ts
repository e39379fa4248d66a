import { Field, ID, InputType } from '@nestjs/graphql';
import { IsUUID } from 'class-validator';

@InputType()
export class EnrollLeadInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'campaignId must be a UUID' })
  campaignId!: string;

  @Field(() => ID)
  @IsUUID('all', { message: 'leadId must be a UUID' })
  leadId!: string;
}
