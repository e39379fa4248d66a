import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Request } from 'express';
import { Actor, COMMAND_ROLES } from '../../common/auth/actor';
import { AllowRoles, CurrentActor } from '../../common/auth/auth.decorators';
import { ProjectionWatermarks } from '../../common/read-your-writes/projection-watermarks';
import { csvLeadRows } from './csv-lead-rows';
import { csvUpload } from './csv-upload';
import { ImportLeadsCommand } from './import-leads.handler';
import { ImportLeadsResultModel } from './import-leads.model';

/**
 * `POST /imports/leads` with a bearer token: a CSV of any size, streamed row by row into the
 * same ImportLeads command as the GraphQL mutation. Answers JSON {created, duplicates,
 * invalid: [{row, email, reason}], invalidCount}.
 */
@Controller('imports')
export class ImportLeadsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly watermarks: ProjectionWatermarks,
  ) {}

  @Post('leads')
  @HttpCode(200)
  @AllowRoles(...COMMAND_ROLES)
  async importCsv(@CurrentActor() actor: Actor, @Req() request: Request): Promise<ImportLeadsResultModel> {
    const csv = await csvUpload(request);
    const { position, ...result } = await this.commandBus.execute(new ImportLeadsCommand(actor, csvLeadRows(csv)));
    await this.watermarks.waitFor(['leads'], position);
    return result;
  }
}
