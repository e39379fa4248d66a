import { Field, ID, InputType } from '@nestjs/graphql';
import { IsEmail, IsEnum, IsUUID, MaxLength } from 'class-validator';
import { RoleEnum } from '../auth/auth.models';

@InputType({ description: 'An existing user (registered), found by email, and the role to give them' })
export class AddMemberInput {
  @Field()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email!: string;

  @Field(() => RoleEnum)
  @IsEnum(RoleEnum)
  role!: RoleEnum;
}

@InputType()
export class ChangeMemberRoleInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'userId must be a UUID' })
  userId!: string;

  @Field(() => RoleEnum)
  @IsEnum(RoleEnum)
  role!: RoleEnum;
}

@InputType()
export class RemoveMemberInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'userId must be a UUID' })
  userId!: string;
}
