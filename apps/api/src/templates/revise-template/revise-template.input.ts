import { Field, ID, InputType } from '@nestjs/graphql';
import { IsString, IsUUID, MaxLength } from 'class-validator';

@InputType()
export class ReviseTemplateInput {
  @Field(() => ID)
  @IsUUID()
  id!: string;

  @Field()
  @IsString()
  @MaxLength(998)
  subject!: string;

  @Field()
  @IsString()
  @MaxLength(100_000)
  body!: string;
}
