import { Field, ID, InputType } from '@nestjs/graphql';
import { IsUUID } from 'class-validator';

@InputType()
export class UnsubscribeInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'leadId must be a UUID' })
  leadId!: string;
}
