import { Field, InputType } from '@nestjs/graphql';
import { IsEmail, IsString, Length, MaxLength } from 'class-validator';

@InputType()
export class RegisterInput {
  @Field()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email!: string;

  @Field({ description: 'At least 10 characters' })
  @IsString()
  @Length(10, 200, { message: 'password must be 10 to 200 characters long' })
  password!: string;

  @Field()
  @IsString()
  @Length(1, 200, { message: 'name must be 1 to 200 characters long' })
  name!: string;

  @Field()
  @IsString()
  @Length(1, 200, { message: 'workspaceName must be 1 to 200 characters long' })
  workspaceName!: string;
}
