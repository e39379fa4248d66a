import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum RoleEnum {
  OWNER = 'OWNER',
  ADMIN = 'ADMIN',
  MEMBER = 'MEMBER',
  AUDITOR = 'AUDITOR',
}
registerEnumType(RoleEnum, { name: 'Role', description: 'What a member may do in a workspace' });

@ObjectType()
export class UserModel {
  @Field(() => ID)
  id!: string;

  @Field()
  email!: string;

  @Field()
  name!: string;
}

@ObjectType()
export class WorkspaceModel {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;
}

@ObjectType({ description: 'Tokens for the API: a short-lived access token and a refresh token to rotate it' })
export class AuthPayload {
  @Field({ description: 'Send as Authorization: Bearer <accessToken>' })
  accessToken!: string;

  @Field()
  accessTokenExpiresAt!: Date;

  @Field({ description: 'Single use: refreshToken(token) returns a new pair' })
  refreshToken!: string;

  @Field()
  refreshTokenExpiresAt!: Date;

  @Field(() => UserModel)
  user!: UserModel;

  @Field(() => WorkspaceModel)
  workspace!: WorkspaceModel;

  @Field(() => RoleEnum)
  role!: RoleEnum;
}
