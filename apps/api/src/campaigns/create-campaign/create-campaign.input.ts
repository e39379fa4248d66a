import { Field, ID, InputType } from '@nestjs/graphql';
import { IsBoolean, IsString, IsUUID, Length } from 'class-validator';

@InputType()
export class CreateCampaignInput {
  @Field()
  @IsString()
  @Length(1, 200, { message: 'name must be 1 to 200 characters long' })
  name!: string;

  @Field(() => ID)
  @IsUUID('all', { message: 'sequenceId must be a UUID' })
  sequenceId!: string;

  @Field({ defaultValue: true, description: "Stop a lead's sequence when it replies (default true)" })
  @IsBoolean()
  stopOnReply!: boolean;
}
