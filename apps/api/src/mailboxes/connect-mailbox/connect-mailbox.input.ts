import { Field, InputType, Int, ObjectType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsBoolean, IsEmail, IsEnum, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { MailboxLimitsInput } from '../mailbox-limits.input';
import { MailboxModel, MailboxProviderEnum } from '../queries/mailbox.model';

@InputType({ description: 'An SMTP server and the login of the mailbox on it (checked before the mailbox is connected)' })
export class SmtpSettingsInput {
  @Field()
  @IsString()
  @Length(1, 255)
  host!: string;

  @Field(() => Int, { defaultValue: 587, description: '587 (STARTTLS) or 465 (TLS from the start)' })
  @IsInt()
  @Min(1)
  @Max(65535)
  port!: number;

  @Field({ defaultValue: false, description: 'TLS from the start (port 465); otherwise STARTTLS when the server offers it' })
  @IsBoolean()
  secure!: boolean;

  @Field()
  @IsString()
  @Length(1, 320)
  username!: string;

  @Field({ description: 'Stored encrypted, never shown again' })
  @IsString()
  @Length(1, 1000)
  password!: string;
}

@InputType()
export class ConnectMailboxInput {
  @Field(() => MailboxProviderEnum)
  @IsEnum(MailboxProviderEnum)
  provider!: MailboxProviderEnum;

  @Field(() => String, { nullable: true, description: 'Required for SMTP and OUTBOX; for GMAIL and OUTLOOK a hint for the sign-in screen (the address is the account that signs in)' })
  @IsOptional()
  @IsEmail({}, { message: 'address must be an email address' })
  address?: string | null;

  @Field(() => String, { nullable: true, description: 'The name recipients see' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  displayName?: string | null;

  @Field(() => SmtpSettingsInput, { nullable: true, description: 'Required for SMTP' })
  @IsOptional()
  @ValidateNested()
  @Type(() => SmtpSettingsInput)
  smtp?: SmtpSettingsInput | null;

  @Field(() => MailboxLimitsInput, { nullable: true, description: "Defaults to the provider's published limits, with a ramp-up" })
  @IsOptional()
  @ValidateNested()
  @Type(() => MailboxLimitsInput)
  limits?: MailboxLimitsInput | null;
}

@ObjectType('ConnectMailboxPayload', { description: 'GMAIL and OUTLOOK: open authorizeUrl in the browser, the mailbox appears once access is granted. SMTP and OUTBOX: the mailbox, connected.' })
export class ConnectMailboxPayload {
  @Field(() => String, { nullable: true, description: "The provider's consent page (valid for 15 minutes)" })
  authorizeUrl!: string | null;

  @Field(() => MailboxModel, { nullable: true })
  mailbox!: MailboxModel | null;
}
