import { Inject, Injectable } from '@nestjs/common';
import { Role, Roles } from '@app/events';
import { DB } from '@app/read-store';
import { KYSELY } from '@app/platform';
import { Kysely } from 'kysely';

export type Membership = { userId: string; email: string; name: string; workspaceId: string; workspaceName: string; role: Role };

@Injectable()
export class MembershipQuery {
  constructor(@Inject(KYSELY) private readonly db: Kysely<DB>) {}

  /** The user's membership of that workspace, or of the first one they joined. */
  async find(userId: string, workspaceId?: string): Promise<Membership | null> {
    let query = this.db
      .selectFrom('workspaceMembers as m')
      .innerJoin('users as u', 'u.userId', 'm.userId')
      .innerJoin('workspaces as w', 'w.workspaceId', 'm.workspaceId')
      .select(['m.userId', 'u.email', 'u.name', 'm.workspaceId', 'w.name as workspaceName', 'm.role'])
      .where('m.userId', '=', userId)
      .orderBy('m.addedAt')
      .limit(1);
    if (workspaceId) query = query.where('m.workspaceId', '=', workspaceId);
    const row = await query.executeTakeFirst();
    const role = Roles.find((r) => r === row?.role);
    return row && role ? { ...row, role } : null;
  }
}
