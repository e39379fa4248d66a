import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { ProjectionWatermarks } from '../../common/read-your-writes/projection-watermarks';
import { customFieldsProblem, customFieldsRecord } from '../lead-fields';
import { ImportLeadsCommand, ImportRow } from './import-leads.handler';
import { ImportLeadInput, ImportLeadsInput } from './import-leads.input';
import { ImportLeadsResultModel } from './import-leads.model';

function* rowsOf(leads: readonly ImportLeadInput[]): Generator<ImportRow> {
  for (const [index, lead] of leads.entries()) {
    const row = index + 1;
    const { customFields, ...rest } = lead;
    const problem = customFieldsProblem(customFields);
    yield problem ? { row, email: lead.email, problem } : { row, email: lead.email, fields: { ...rest, customFields: customFieldsRecord(customFields) } };
  }
}

@Resolver()
export class ImportLeadsResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly watermarks: ProjectionWatermarks,
  ) {}

  @Mutation(() => ImportLeadsResultModel, { description: 'Create many leads; duplicates and invalid rows are counted and reported, the rest are created' })
  async importLeads(@CurrentActor() actor: Actor, @Args('input') input: ImportLeadsInput): Promise<ImportLeadsResultModel> {
    const { position, ...result } = await this.commandBus.execute(new ImportLeadsCommand(actor, rowsOf(input.leads)));
    await this.watermarks.waitFor(['leads'], position);
    return result;
  }
}
