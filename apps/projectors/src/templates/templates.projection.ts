import { DB } from '@app/read-store';
import { defineProjection } from '@app/projections';
import { assertNever } from '@app/domain';
import { sql } from 'kysely';

/** The template library screen: one row per template, at its latest revision. */
export const templatesProjection = defineProjection<DB>()({
  name: 'templates',
  version: 1,
  handles: ['TemplateCreated', 'TemplateRevised'],
  tables: ['templates'],
  readsPersonalData: false,

  async migrate(db, schema) {
    const t = sql.id(schema, 'templates');
    await sql`
      create table ${t} (
        template_id uuid primary key,
        workspace_id uuid not null,
        name text not null,
        subject text not null,
        body text not null,
        category text not null,
        revision integer not null,
        variables jsonb not null,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`.execute(db);
    await sql`create index on ${t} (workspace_id, created_at, template_id)`.execute(db);
  },

  async apply({ db }, events) {
    for (const event of events) {
      switch (event.type) {
        case 'TemplateCreated': {
          const d = event.data;
          await db
            .insertInto('templates')
            .values({
              templateId: d.templateId,
              workspaceId: d.workspaceId,
              name: d.name,
              subject: d.subject,
              body: d.body,
              category: d.category,
              revision: 0,
              variables: JSON.stringify(d.variables),
              createdAt: d.createdAt,
              updatedAt: d.createdAt,
            })
            .onConflict((oc) => oc.column('templateId').doNothing())
            .execute();
          break;
        }
        case 'TemplateRevised': {
          const d = event.data;
          // Guarded by revision: a replayed or older revision never overwrites a newer one.
          await db
            .updateTable('templates')
            .set({ subject: d.subject, body: d.body, variables: JSON.stringify(d.variables), revision: d.revision, updatedAt: d.revisedAt })
            .where('templateId', '=', d.templateId)
            .where('revision', '<', d.revision)
            .execute();
          break;
        }
        default:
          assertNever(event, 'templates event');
      }
    }
  },
});
