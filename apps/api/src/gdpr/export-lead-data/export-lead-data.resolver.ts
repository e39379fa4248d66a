import { Args, Field, ID, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { AllowRoles, CurrentActor } from '../../common/auth/auth.decorators';
import { LeadIdArgs } from '../lead-id.args';
import { ExportLeadDataCommand } from './export-lead-data.handler';

@ObjectType('LeadDataExport', { description: 'Everything held about a lead (data subject access request)' })
export class LeadDataExportModel {
  @Field(() => ID)
  leadId!: string;

  @Field()
  exportedAt!: Date;

  @Field({ description: "True when the lead was erased: its personal fields read \"[erased]\"" })
  erased!: boolean;

  @Field({
    description: 'The export as JSON: profile, important dates, enrollments, emails with their content, tracking hits (IP, user agent), replies, and every event of its streams',
  })
  json!: string;
}

@Resolver()
export class ExportLeadDataResolver {
  constructor(private readonly commandBus: CommandBus) {}

  @Query(() => LeadDataExportModel, { description: 'Everything held about a lead, decrypted, as JSON (owners and admins); recorded as LeadDataExported' })
  @AllowRoles('OWNER', 'ADMIN')
  async exportLeadData(@CurrentActor() actor: Actor, @Args() { leadId }: LeadIdArgs): Promise<LeadDataExportModel> {
    const result = await this.commandBus.execute(new ExportLeadDataCommand(actor, leadId));
    return { leadId: result.leadId, exportedAt: new Date(result.exportedAt), erased: result.erased, json: JSON.stringify(result) };
  }
}
