import { Field, ID, InputType } from '@nestjs/graphql';
import { IsEnum, IsString, IsUUID, Length } from 'class-validator';
import { BounceKindEnum } from '../queries/email.model';

@InputType()
export class RecordBounceInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'emailId must be a UUID' })
  emailId!: string;

  @Field(() => BounceKindEnum)
  @IsEnum(BounceKindEnum)
  kind!: BounceKindEnum;

  @Field({ description: 'The bounce message or SMTP status, e.g. "550 5.1.1 user unknown"' })
  @IsString()
  @Length(1, 1000, { message: 'reason must be 1 to 1000 characters long' })
  reason!: string;
}
