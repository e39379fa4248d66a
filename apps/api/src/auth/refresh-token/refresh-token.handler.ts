import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { unauthenticated } from '../../common/errors/api-errors';
import { Membership, MembershipQuery } from '../membership.query';
import { Session, SessionTokens } from '../session-tokens';

export class RefreshTokenCommand extends Command<{ session: Session; membership: Membership }> {
  constructor(readonly token: string) {
    super();
  }
}

/** Rotates a refresh token; the new access token carries the member's current role. */
@CommandHandler(RefreshTokenCommand)
export class RefreshTokenHandler implements ICommandHandler<RefreshTokenCommand> {
  constructor(
    private readonly memberships: MembershipQuery,
    private readonly sessions: SessionTokens,
  ) {}

  async execute({ token }: RefreshTokenCommand): Promise<{ session: Session; membership: Membership }> {
    const spent = await this.sessions.spend(token);
    const membership = await this.memberships.find(spent.userId, spent.workspaceId);
    if (!membership) throw unauthenticated('You are no longer a member of this workspace', 'AUTH.NO_WORKSPACE');
    const session = await this.sessions.open({ userId: spent.userId, workspaceId: spent.workspaceId, role: membership.role }, spent.familyId);
    return { session, membership };
  }
}
