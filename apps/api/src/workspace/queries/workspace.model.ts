import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('WorkspaceProfile', { description: 'Shown in email footers and given to the AI copilot' })
export class WorkspaceProfileModel {
  @Field(() => String, { nullable: true })
  companyName!: string | null;

  @Field(() => String, { nullable: true, description: 'The physical postal address every commercial email must carry (CAN-SPAM)' })
  postalAddress!: string | null;

  @Field(() => String, { nullable: true, description: 'What the workspace sells, in its own words: grounds AI drafts' })
  productDescription!: string | null;

  @Field(() => String, { nullable: true })
  website!: string | null;

  @Field(() => Date, { nullable: true })
  updatedAt!: Date | null;
}

@ObjectType('AiLimits', { description: "The workspace's AI allowance" })
export class AiLimitsModel {
  @Field(() => Int, { description: 'Tokens per calendar month (UTC); 0 switches AI drafting off' })
  monthlyTokenBudget!: number;

  @Field(() => Int, { description: 'AI requests per minute, for the whole workspace' })
  requestsPerMinute!: number;

  @Field({ description: "True while no admin has set limits: the server's defaults apply" })
  isDefault!: boolean;

  @Field(() => Date, { nullable: true })
  setAt!: Date | null;
}

@ObjectType('AiStatus', { description: 'How this server answers AI requests' })
export class AiStatusModel {
  @Field({ description: 'False: the offline generator answers (no OPENAI_API_KEY configured)' })
  online!: boolean;

  @Field({ description: 'The configured model, or "offline"' })
  model!: string;
}

@ObjectType('Workspace')
export class WorkspaceDetailsModel {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field()
  createdAt!: Date;

  @Field(() => WorkspaceProfileModel)
  profile!: WorkspaceProfileModel;

  @Field(() => AiLimitsModel)
  aiLimits!: AiLimitsModel;

  @Field(() => AiStatusModel)
  ai!: AiStatusModel;
}
