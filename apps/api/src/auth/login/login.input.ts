import { Field, ID, InputType } from '@nestjs/graphql';
import { IsEmail, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

@InputType()
export class LoginInput {
  @Field()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email!: string;

  @Field()
  @IsString()
  @MaxLength(200)
  password!: string;

  @Field(() => ID, { nullable: true, description: 'Which workspace to enter (default: the first one joined)' })
  @IsOptional()
  @IsUUID()
  workspaceId?: string;
}
