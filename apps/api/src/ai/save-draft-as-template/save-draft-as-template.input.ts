import { Field, InputType } from '@nestjs/graphql';
import { IsEnum, IsString, Length, MaxLength } from 'class-validator';
import { TemplateCategoryEnum } from '../../templates/queries/template.model';

@InputType()
export class SaveDraftAsTemplateInput {
  @Field()
  @IsString()
  @Length(1, 200)
  name!: string;

  @Field({ description: 'The draft subject, as accepted (edited or not)' })
  @IsString()
  @MaxLength(998)
  subject!: string;

  @Field({ description: 'The draft body, as accepted; its variables are checked like any template' })
  @IsString()
  @MaxLength(100_000)
  body!: string;

  @Field(() => TemplateCategoryEnum, { defaultValue: TemplateCategoryEnum.COLD_OUTREACH })
  @IsEnum(TemplateCategoryEnum)
  category!: TemplateCategoryEnum;
}
