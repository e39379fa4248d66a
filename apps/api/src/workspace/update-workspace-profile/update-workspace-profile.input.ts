import { Field, InputType } from '@nestjs/graphql';
import { IsOptional, IsString, MaxLength } from 'class-validator';

@InputType({ description: 'Only the fields given change; an empty string clears a field (not postalAddress, which every email needs)' })
export class UpdateWorkspaceProfileInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  companyName?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  postalAddress?: string | null;

  @Field(() => String, { nullable: true, description: 'What you sell, in a few sentences: the AI copilot grounds drafts in it' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  productDescription?: string | null;

  @Field(() => String, { nullable: true, description: 'A full http(s) URL' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  website?: string | null;
}
