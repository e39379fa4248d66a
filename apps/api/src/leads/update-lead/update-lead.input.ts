import { Field, ID, InputType } from '@nestjs/graphql';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEmail, IsUUID, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { CustomFieldInput } from '../queries/lead.model';
import { LeadProfileInput } from '../lead-profile.input';

@InputType({ description: 'Only the fields given change; null clears an optional field' })
export class UpdateLeadInput extends LeadProfileInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'id must be a UUID' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'A new address; it must not belong to another lead of the workspace' })
  @ValidateIf((input: UpdateLeadInput) => input.email !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsEmail({}, { message: 'email must be a valid email address (it cannot be cleared)' })
  @MaxLength(254)
  email?: string;

  @Field(() => [CustomFieldInput], { nullable: true, description: 'Replaces every custom field; [] removes them all' })
  @ValidateIf((input: UpdateLeadInput) => input.customFields !== undefined)
  @IsArray({ message: 'customFields cannot be null: give [] to remove them all' })
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => CustomFieldInput)
  customFields?: CustomFieldInput[];
}
