import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionOf } from '../../common/pagination/connection';

export enum TemplateCategoryEnum {
  COLD_OUTREACH = 'COLD_OUTREACH',
  FOLLOW_UP = 'FOLLOW_UP',
  MEETING_REQUEST = 'MEETING_REQUEST',
  BREAKUP = 'BREAKUP',
  NURTURE = 'NURTURE',
  OCCASION = 'OCCASION',
  OTHER = 'OTHER',
}
registerEnumType(TemplateCategoryEnum, { name: 'TemplateCategory' });

@ObjectType('Template')
export class TemplateModel {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field()
  subject!: string;

  @Field()
  body!: string;

  @Field(() => TemplateCategoryEnum)
  category!: TemplateCategoryEnum;

  @Field(() => Int, { description: '0 when created; +1 for each revision' })
  revision!: number;

  @Field(() => [String], { description: 'Variables the template reads' })
  variables!: string[];

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

export const TemplateConnection = ConnectionOf(TemplateModel, 'Template');
