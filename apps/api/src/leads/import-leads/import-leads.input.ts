import { Field, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { CustomFieldInput } from '../queries/lead.model';

/**
 * One row of an import. Fields are only checked for shape here: the lead decider judges each
 * row, so one bad row is reported as invalid instead of refusing the whole import.
 */
@InputType()
export class ImportLeadInput {
  @Field()
  @IsString()
  @MaxLength(1000)
  email!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  firstName?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  lastName?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  company?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  title?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  timezone?: string | null;

  @Field(() => [CustomFieldInput], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => CustomFieldInput)
  customFields?: CustomFieldInput[] | null;
}

@InputType()
export class ImportLeadsInput {
  @Field(() => [ImportLeadInput], { description: 'Up to 1000 rows; POST a CSV to /imports/leads for larger lists' })
  @IsArray()
  @ArrayMinSize(1, { message: 'leads must list at least one lead' })
  @ArrayMaxSize(1000, { message: 'leads takes at most 1000 rows: POST a CSV to /imports/leads for larger lists' })
  @ValidateNested({ each: true })
  @Type(() => ImportLeadInput)
  leads!: ImportLeadInput[];
}
