import { Inject, Injectable } from '@nestjs/common';
import { DB } from '@app/read-store';
import { KYSELY } from '@app/platform';
import { Kysely, Selectable } from 'kysely';
import { Connection, decodeCursor, pageSize, toConnection } from '../../common/pagination/connection';
import { TemplateCategoryEnum, TemplateModel } from './template.model';

type Row = Selectable<DB['templates']>;

function toModel(row: Row): TemplateModel {
  return {
    id: row.templateId,
    name: row.name,
    subject: row.subject,
    body: row.body,
    category: row.category as TemplateCategoryEnum,
    revision: row.revision,
    variables: Array.isArray(row.variables) ? row.variables.filter((v): v is string => typeof v === 'string') : [],
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Reads the templates read model, always within one workspace. */
@Injectable()
export class TemplatesQuery {
  constructor(@Inject(KYSELY) private readonly db: Kysely<DB>) {}

  async byId(workspaceId: string, id: string): Promise<TemplateModel | null> {
    const row = await this.db.selectFrom('templates').selectAll().where('workspaceId', '=', workspaceId).where('templateId', '=', id).executeTakeFirst();
    return row ? toModel(row) : null;
  }

  async list(workspaceId: string, first: number | null | undefined, after: string | null | undefined): Promise<Connection<TemplateModel>> {
    const size = pageSize(first);
    const cursor = decodeCursor(after);
    let query = this.db.selectFrom('templates').selectAll().where('workspaceId', '=', workspaceId);
    if (cursor) query = query.where((eb) => eb.or([eb('createdAt', '>', new Date(cursor.at)), eb.and([eb('createdAt', '=', new Date(cursor.at)), eb('templateId', '>', cursor.id)])]));
    const [rows, total] = await Promise.all([
      query.orderBy('createdAt').orderBy('templateId').limit(size + 1).execute(),
      this.db.selectFrom('templates').select((eb) => eb.fn.countAll<string>().as('count')).where('workspaceId', '=', workspaceId).executeTakeFirstOrThrow(),
    ]);
    return toConnection(rows, size, Number(total.count), toModel, (r) => ({ at: r.createdAt.toISOString(), id: r.templateId }));
  }
}
