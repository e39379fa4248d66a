import { Field, ID, InputType } from '@nestjs/graphql';
import { IsString, IsUUID, MaxLength } from 'class-validator';

@InputType()
export class RecordClickInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'emailId must be a UUID' })
  emailId!: string;

  @Field({ description: 'One of the links recorded for the email when it was queued' })
  @IsString()
  @MaxLength(2048)
  url!: string;
}
