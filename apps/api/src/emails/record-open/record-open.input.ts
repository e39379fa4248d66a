import { Field, ID, InputType } from '@nestjs/graphql';
import { IsIP, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

@InputType()
export class RecordOpenInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'emailId must be a UUID' })
  emailId!: string;

  @Field(() => String, { nullable: true, description: 'Tells machine opens (mail proxies, scanners) from human ones' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  userAgent?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsIP(undefined, { message: 'ip must be an IPv4 or IPv6 address' })
  ip?: string | null;
}
