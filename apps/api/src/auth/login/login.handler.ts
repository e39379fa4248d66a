import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { normaliseEmail } from '@app/domain';
import { DB } from '@app/read-store';
import { KYSELY } from '@app/platform';
import { Kysely } from 'kysely';
import { unauthenticated } from '../../common/errors/api-errors';
import { Membership, MembershipQuery } from '../membership.query';
import { verifyPassword } from '../passwords';
import { Session, SessionTokens } from '../session-tokens';

export class LoginCommand extends Command<{ session: Session; membership: Membership }> {
  constructor(readonly input: { email: string; password: string; workspaceId?: string }) {
    super();
  }
}

/** Checks the password (in constant time whether or not the email exists) and opens a session. */
@CommandHandler(LoginCommand)
export class LoginHandler implements ICommandHandler<LoginCommand> {
  constructor(
    @Inject(KYSELY) private readonly db: Kysely<DB>,
    private readonly memberships: MembershipQuery,
    private readonly sessions: SessionTokens,
  ) {}

  async execute({ input }: LoginCommand): Promise<{ session: Session; membership: Membership }> {
    const credentials = await this.db.selectFrom('credentials').select(['userId', 'passwordHash']).where('email', '=', normaliseEmail(input.email)).executeTakeFirst();
    const ok = await verifyPassword(input.password, credentials?.passwordHash ?? null);
    if (!credentials || !ok) throw unauthenticated('Wrong email or password', 'AUTH.BAD_CREDENTIALS');
    const membership = await this.memberships.find(credentials.userId, input.workspaceId);
    if (!membership) throw unauthenticated(input.workspaceId ? 'You are not a member of that workspace' : 'You are not a member of any workspace', 'AUTH.NO_WORKSPACE');
    const session = await this.sessions.open({ userId: credentials.userId, workspaceId: membership.workspaceId, role: membership.role });
    return { session, membership };
  }
}
