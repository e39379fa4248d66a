import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsEnum, IsInt, IsOptional, IsString, IsUUID, Length, MaxLength, ValidateNested } from 'class-validator';
import { StepConditionEnum } from '../queries/sequence.model';

@InputType()
export class SequenceVariantInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'templateId must be a UUID' })
  templateId!: string;

  @Field(() => Int, { nullable: true, description: 'Relative weight, 1 to 100 (default 1)' })
  @IsOptional()
  @IsInt()
  weight?: number;
}

@InputType({ description: 'Give either templateId or variants (A/B test), not both' })
export class SequenceStepInput {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'templateId must be a UUID' })
  templateId?: string;

  @Field(() => [SequenceVariantInput], { nullable: true, description: 'Up to 5 variants; a lead always gets the same one' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @ValidateNested({ each: true })
  @Type(() => SequenceVariantInput)
  variants?: SequenceVariantInput[];

  @Field({ defaultValue: 'PT0S', description: 'ISO-8601 duration after the previous step: "P2D", "PT4H", "PT30S"' })
  @IsString()
  @MaxLength(40)
  delay!: string;

  @Field(() => StepConditionEnum, { defaultValue: StepConditionEnum.ALWAYS, description: 'The first step must be ALWAYS' })
  @IsEnum(StepConditionEnum)
  condition!: StepConditionEnum;
}

@InputType()
export class CreateSequenceInput {
  @Field()
  @IsString()
  @Length(1, 200, { message: 'name must be 1 to 200 characters long' })
  name!: string;

  @Field(() => [SequenceStepInput], { description: '1 to 20 steps, in order' })
  @IsArray()
  @ArrayMinSize(1, { message: 'a sequence needs at least one step' })
  @ArrayMaxSize(20, { message: 'a sequence has at most 20 steps' })
  @ValidateNested({ each: true })
  @Type(() => SequenceStepInput)
  steps!: SequenceStepInput[];
}
