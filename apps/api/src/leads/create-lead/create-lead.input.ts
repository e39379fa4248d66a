import { Field, InputType } from '@nestjs/graphql';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEmail, IsOptional, MaxLength, ValidateNested } from 'class-validator';
import { CustomFieldInput } from '../queries/lead.model';
import { LeadProfileInput } from '../lead-profile.input';

@InputType()
export class CreateLeadInput extends LeadProfileInput {
  @Field({ description: 'Unique in the workspace (compared trimmed and lower-cased)' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email!: string;

  @Field(() => [CustomFieldInput], { nullable: true, description: 'Up to 50; templates read them as {{key}}' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => CustomFieldInput)
  customFields?: CustomFieldInput[] | null;
}
