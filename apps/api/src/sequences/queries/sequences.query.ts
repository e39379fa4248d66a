import { Inject, Injectable } from '@nestjs/common';
import { DB } from '@app/read-store';
import { KYSELY } from '@app/platform';
import { Kysely, Selectable } from 'kysely';
import { Connection, decodeCursor, pageSize, toConnection } from '../../common/pagination/connection';
import { SequenceModel, SequenceStepModel, StepConditionEnum } from './sequence.model';

type Row = Selectable<DB['sequences']>;

const conditions = new Set<string>(Object.values(StepConditionEnum));
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The steps column holds the SequenceCreated steps as recorded: read them defensively. */
function toSteps(value: unknown): SequenceStepModel[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).map((step, index) => ({
    index,
    delay: typeof step.delay === 'string' ? step.delay : 'PT0S',
    condition: typeof step.condition === 'string' && conditions.has(step.condition) ? (step.condition as StepConditionEnum) : StepConditionEnum.ALWAYS,
    variants: (Array.isArray(step.variants) ? step.variants : []).filter(isRecord).map((variant, i) => ({
      key: typeof variant.key === 'string' ? variant.key : String.fromCharCode(65 + i),
      templateId: String(variant.templateId),
      weight: typeof variant.weight === 'number' ? variant.weight : 1,
    })),
  }));
}

function toModel(row: Row): SequenceModel {
  return { id: row.sequenceId, name: row.name, steps: toSteps(row.steps), stepCount: row.stepCount, createdAt: row.createdAt };
}

/** Reads the sequences read model, always within one workspace. */
@Injectable()
export class SequencesQuery {
  constructor(@Inject(KYSELY) private readonly db: Kysely<DB>) {}

  async byId(workspaceId: string, id: string): Promise<SequenceModel | null> {
    const row = await this.db.selectFrom('sequences').selectAll().where('workspaceId', '=', workspaceId).where('sequenceId', '=', id).executeTakeFirst();
    return row ? toModel(row) : null;
  }

  async list(workspaceId: string, first: number | null | undefined, after: string | null | undefined): Promise<Connection<SequenceModel>> {
    const size = pageSize(first);
    const cursor = decodeCursor(after);
    let query = this.db.selectFrom('sequences').selectAll().where('workspaceId', '=', workspaceId);
    if (cursor) query = query.where((eb) => eb.or([eb('createdAt', '>', new Date(cursor.at)), eb.and([eb('createdAt', '=', new Date(cursor.at)), eb('sequenceId', '>', cursor.id)])]));
    const [rows, total] = await Promise.all([
      query.orderBy('createdAt').orderBy('sequenceId').limit(size + 1).execute(),
      this.db.selectFrom('sequences').select((eb) => eb.fn.countAll<string>().as('count')).where('workspaceId', '=', workspaceId).executeTakeFirstOrThrow(),
    ]);
    return toConnection(rows, size, Number(total.count), toModel, (r) => ({ at: r.createdAt.toISOString(), id: r.sequenceId }));
  }
}
