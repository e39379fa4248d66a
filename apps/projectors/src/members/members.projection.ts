import { DB } from '@app/read-store';
import { defineProjection } from '@app/projections';
import { assertNever } from '@app/domain';
import { Transaction, sql } from 'kysely';

async function workspaceExists(db: Transaction<DB>, workspaceId: string): Promise<boolean> {
  return (await db.selectFrom('workspaces').select('workspaceId').where('workspaceId', '=', workspaceId).executeTakeFirst()) !== undefined;
}

/**
 * Users, workspaces and who belongs to which with which role (authentication, roles), and each
 * workspace's profile and AI allowance (the workspace screen).
 * v2: the profile (company name, postal address, product description, website) and AI limits.
 */
export const membersProjection = defineProjection<DB>()({
  name: 'members',
  version: 2,
  handles: ['UserRegistered', 'WorkspaceCreated', 'MemberAdded', 'MemberRoleChanged', 'MemberRemoved', 'WorkspaceProfileUpdated', 'AiLimitsSet'],
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
        created_at timestamptz not null,
        company_name text,
        postal_address text,
        product_description text,
        website text,
        profile_updated_at timestamptz,
        ai_monthly_token_budget bigint,
        ai_requests_per_minute integer,
        ai_limits_set_at timestamptz,
        -- The last profile or limits event taken in: replaying older ones changes nothing.
        settings_position numeric(40, 0)
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

  async apply({ db, orderKey, warn }, events) {
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
        case 'WorkspaceProfileUpdated': {
          // Only the fields that changed are in the event; the others keep their value.
          const { workspaceId, companyName, postalAddress, productDescription, website, updatedAt } = event.data;
          const changes = { companyName, postalAddress, productDescription, website };
          const set = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
          const key = orderKey(event);
          const updated = await db
            .updateTable('workspaces')
            .set({ ...set, profileUpdatedAt: updatedAt, settingsPosition: key })
            .where('workspaceId', '=', workspaceId)
            .where((eb) => eb.or([eb('settingsPosition', 'is', null), eb('settingsPosition', '<', key)]))
            .executeTakeFirst();
          if (updated.numUpdatedRows === 0n && !(await workspaceExists(db, workspaceId))) warn(`${event.type} for an unknown workspace; ignored`, { workspaceId, eventId: event.id });
          break;
        }
        case 'AiLimitsSet': {
          const { workspaceId, monthlyTokenBudget, requestsPerMinute, setAt } = event.data;
          const key = orderKey(event);
          const updated = await db
            .updateTable('workspaces')
            .set({ aiMonthlyTokenBudget: monthlyTokenBudget, aiRequestsPerMinute: requestsPerMinute, aiLimitsSetAt: setAt, settingsPosition: key })
            .where('workspaceId', '=', workspaceId)
            .where((eb) => eb.or([eb('settingsPosition', 'is', null), eb('settingsPosition', '<', key)]))
            .executeTakeFirst();
          if (updated.numUpdatedRows === 0n && !(await workspaceExists(db, workspaceId))) warn(`${event.type} for an unknown workspace; ignored`, { workspaceId, eventId: event.id });
          break;
        }
        default:
          assertNever(event, 'members event');
      }
    }
  },
});
