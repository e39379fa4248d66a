import { DB } from '@app/read-store';
import { defineProjection } from '@app/projections';
import { assertNever } from '@app/domain';
import { sql } from 'kysely';

/** Users, workspaces and who belongs to which with which role (authentication, roles). */
export const membersProjection = defineProjection<DB>()({
  name: 'members',
  version: 1,
  handles: ['UserRegistered', 'WorkspaceCreated', 'MemberAdded', 'MemberRoleChanged', 'MemberRemoved'],
  tables: ['users', 'workspaces', 'workspace_members'],

  async migrate(db, schema) {
    await sql`
      create table ${sql.id(schema, 'users')} (
        user_id uuid primary key,
        email text not null,
        name text not null,
        registered_at timestamptz not null
      )`.execute(db);
    await sql`
      create table ${sql.id(schema, 'workspaces')} (
        workspace_id uuid primary key,
        name text not null,
        owner_id uuid not null,
        created_at timestamptz not null
      )`.execute(db);
    await sql`
      create table ${sql.id(schema, 'workspace_members')} (
        workspace_id uuid not null,
        user_id uuid not null,
        role text not null,
        added_at timestamptz not null,
        primary key (workspace_id, user_id)
      )`.execute(db);
    await sql`create index on ${sql.id(schema, 'workspace_members')} (user_id, added_at)`.execute(db);
  },

  async apply({ db }, events) {
    for (const event of events) {
      switch (event.type) {
        case 'UserRegistered': {
          const { userId, email, name, registeredAt } = event.data;
          await db.insertInto('users').values({ userId, email, name, registeredAt }).onConflict((oc) => oc.column('userId').doUpdateSet({ email, name })).execute();
          break;
        }
        case 'WorkspaceCreated': {
          const { workspaceId, name, ownerId, createdAt } = event.data;
          await db.insertInto('workspaces').values({ workspaceId, name, ownerId, createdAt }).onConflict((oc) => oc.column('workspaceId').doUpdateSet({ name })).execute();
          break;
        }
        case 'MemberAdded': {
          const { workspaceId, userId, role, addedAt } = event.data;
          await db
            .insertInto('workspaceMembers')
            .values({ workspaceId, userId, role, addedAt })
            .onConflict((oc) => oc.columns(['workspaceId', 'userId']).doUpdateSet({ role }))
            .execute();
          break;
        }
        case 'MemberRoleChanged':
          await db.updateTable('workspaceMembers').set({ role: event.data.role }).where('workspaceId', '=', event.data.workspaceId).where('userId', '=', event.data.userId).execute();
          break;
        case 'MemberRemoved':
          await db.deleteFrom('workspaceMembers').where('workspaceId', '=', event.data.workspaceId).where('userId', '=', event.data.userId).execute();
          break;
        default:
          assertNever(event, 'members event');
      }
    }
  },
});
