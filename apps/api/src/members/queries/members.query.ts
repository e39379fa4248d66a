import { Inject, Injectable } from '@nestjs/common';
import { normaliseEmail } from '@app/domain';
import { KYSELY } from '@app/platform';
import { DB } from '@app/read-store';
import { Kysely } from 'kysely';
import { RoleEnum } from '../../auth/auth.models';
import { WorkspaceMemberModel } from './member.model';

const roleOf = (role: string): RoleEnum => {
  const found = Object.values(RoleEnum).find((r) => r === role);
  if (!found) throw new Error(`members read model: unknown role "${role}"`);
  return found;
};

/** Reads the members read model (users, workspace_members), always within one workspace. */
@Injectable()
export class MembersQuery {
  constructor(@Inject(KYSELY) private readonly db: Kysely<DB>) {}

  private members(workspaceId: string) {
    return this.db
      .selectFrom('workspaceMembers as m')
      .innerJoin('users as u', 'u.userId', 'm.userId')
      .select(['m.userId', 'u.email', 'u.name', 'm.role', 'm.addedAt'])
      .where('m.workspaceId', '=', workspaceId);
  }

  async list(workspaceId: string): Promise<WorkspaceMemberModel[]> {
    const rows = await this.members(workspaceId).orderBy('m.addedAt').orderBy('m.userId').execute();
    return rows.map((r) => ({ ...r, role: roleOf(r.role) }));
  }

  async member(workspaceId: string, userId: string): Promise<WorkspaceMemberModel | null> {
    const row = await this.members(workspaceId).where('m.userId', '=', userId).executeTakeFirst();
    return row ? { ...row, role: roleOf(row.role) } : null;
  }

  /** The registered user with this email, if any (any workspace: members are added by email). */
  async userIdByEmail(email: string): Promise<string | null> {
    const row = await this.db.selectFrom('users').select('userId').where('email', '=', normaliseEmail(email)).executeTakeFirst();
    return row?.userId ?? null;
  }
}
