import { Field, ID, InputType } from '@nestjs/graphql';
import { IsUUID } from 'class-validator';

@InputType()
export class SendStepInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'enrollmentId must be a UUID' })
  enrollmentId!: string;
}
