import { ArgsType, Field, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsBoolean, IsDate, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { PageArgs } from '../../common/args/page.args';

@InputType({ description: 'Every condition given must hold' })
export class EventLogFilterInput {
  @Field(() => String, { nullable: true, description: 'One stream, e.g. lead-<id>' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  streamId?: string | null;

  @Field(() => String, { nullable: true, description: 'Streams starting with this, e.g. "enrollment-"' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  streamPrefix?: string | null;

  @Field(() => [String], { nullable: true, description: 'Event types, e.g. ["LeadErased", "MemberRoleChanged"]' })
  @IsOptional()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Matches(/^[A-Z][A-Za-z]+$/, { each: true, message: 'types are event type names such as LeadCreated' })
  types?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Who did it (user id, lead:<id>, system:<part>)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actorId?: string | null;

  @Field(() => Date, { nullable: true, description: 'Occurred at or after' })
  @IsOptional()
  @IsDate()
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Occurred before' })
  @IsOptional()
  @IsDate()
  to?: Date | null;
}

@ArgsType()
export class EventLogArgs extends PageArgs {
  @Field(() => EventLogFilterInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => EventLogFilterInput)
  filter?: EventLogFilterInput | null;

  @Field({ defaultValue: false, description: "Open the leads' personal fields (recorded with the read)" })
  @IsBoolean()
  withPersonalData!: boolean;
}
