import { Field, InputType } from '@nestjs/graphql';
import { IsEnum, IsString, Length, MaxLength } from 'class-validator';
import { TemplateCategoryEnum } from '../queries/template.model';

@InputType()
export class CreateTemplateInput {
  @Field()
  @IsString()
  @Length(1, 200)
  name!: string;

  @Field({ description: 'May use variables: {{firstName}}, {{company}}, {{industry | default: "your industry"}}' })
  @IsString()
  @MaxLength(998)
  subject!: string;

  @Field({ description: 'Plain text or HTML; variables as in the subject' })
  @IsString()
  @MaxLength(100_000)
  body!: string;

  @Field(() => TemplateCategoryEnum, { defaultValue: TemplateCategoryEnum.OTHER })
  @IsEnum(TemplateCategoryEnum)
  category!: TemplateCategoryEnum;
}
