import { Field, ID, InputType } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsUUID } from 'class-validator';

@InputType()
export class EnrollLeadsInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'campaignId must be a UUID' })
  campaignId!: string;

  @Field(() => [ID], { description: '1 to 1000 lead ids; each gets its own result' })
  @IsArray()
  @ArrayMinSize(1, { message: 'leadIds must list at least one lead' })
  @ArrayMaxSize(1000, { message: 'leadIds takes at most 1000 ids per call' })
  @IsUUID('all', { each: true, message: 'each of leadIds must be a UUID' })
  leadIds!: string[];
}
