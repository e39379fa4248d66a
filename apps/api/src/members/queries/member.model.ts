import { Field, ID, ObjectType } from '@nestjs/graphql';
import { RoleEnum } from '../../auth/auth.models';

@ObjectType('WorkspaceMember', { description: 'A user and their role in this workspace' })
export class WorkspaceMemberModel {
  @Field(() => ID)
  userId!: string;

  @Field()
  email!: string;

  @Field()
  name!: string;

  @Field(() => RoleEnum)
  role!: RoleEnum;

  @Field()
  addedAt!: Date;
}
