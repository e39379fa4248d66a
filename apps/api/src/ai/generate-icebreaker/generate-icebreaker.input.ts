import { Field, ID, InputType } from '@nestjs/graphql';
import { IsString, IsUUID, Length } from 'class-validator';

@InputType()
export class GenerateIcebreakerInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'leadId must be a UUID' })
  leadId!: string;

  @Field({ defaultValue: 'en', description: 'BCP 47 language tag' })
  @IsString()
  @Length(2, 35)
  language!: string;
}
