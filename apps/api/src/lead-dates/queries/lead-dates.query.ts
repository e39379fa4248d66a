import { Inject, Injectable } from '@nestjs/common';
import { ArgsType, Field, ID } from '@nestjs/graphql';
import { IsUUID } from 'class-validator';
import { KYSELY } from '@app/platform';
import { DB } from '@app/read-store';
import { Kysely, Selectable } from 'kysely';
import { OccasionKindEnum } from '../../sending/queries/campaign-sending.model';
import { DateRecurrenceEnum, LeadImportantDateModel } from './lead-date.model';

@ArgsType()
export class LeadIdArgs {
  @Field(() => ID)
  @IsUUID('all', { message: 'leadId must be a UUID' })
  leadId!: string;
}

const two = (n: number) => String(n).padStart(2, '0');

function toModel(row: Selectable<DB['leadDates']>): LeadImportantDateModel {
  return {
    dateId: row.dateId,
    leadId: row.leadId,
    kind: row.kind as OccasionKindEnum,
    label: row.label,
    date: `${row.year === null ? '-' : String(row.year).padStart(4, '0')}-${two(row.month)}-${two(row.day)}`,
    recurrence: row.recurrence === 'ONCE' ? DateRecurrenceEnum.ONCE : DateRecurrenceEnum.YEARLY,
  };
}

/** Reads the lead_dates read model, within one workspace. */
@Injectable()
export class LeadDatesQuery {
  constructor(@Inject(KYSELY) private readonly db: Kysely<DB>) {}

  async ofLead(workspaceId: string, leadId: string): Promise<LeadImportantDateModel[]> {
    const rows = await this.db.selectFrom('leadDates').selectAll().where('workspaceId', '=', workspaceId).where('leadId', '=', leadId).orderBy('month').orderBy('day').orderBy('dateId').execute();
    return rows.map(toModel);
  }
}
