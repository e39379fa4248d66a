import { Field, ID, InputType, registerEnumType } from '@nestjs/graphql';
import { IsDate, IsEnum, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

export enum ReplyKindEnum {
  HUMAN = 'HUMAN',
  AUTO_REPLY = 'AUTO_REPLY',
}
registerEnumType(ReplyKindEnum, { name: 'ReplyKind', description: 'An auto-reply (out of office) does not stop the sequence' });

@InputType()
export class RecordReplyInput {
  @Field(() => ID, { description: 'The email replied to' })
  @IsUUID('all', { message: 'emailId must be a UUID' })
  emailId!: string;

  @Field(() => Date, { nullable: true, description: 'When the reply arrived (default: now); not in the future' })
  @IsOptional()
  @IsDate({ message: 'receivedAt must be an ISO-8601 date-time' })
  receivedAt?: Date | null;

  @Field(() => String, { nullable: true, description: 'The start of the reply' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  snippet?: string | null;

  @Field(() => ReplyKindEnum, { defaultValue: ReplyKindEnum.HUMAN })
  @IsEnum(ReplyKindEnum)
  kind!: ReplyKindEnum;
}
