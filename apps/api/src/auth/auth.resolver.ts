import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Public } from '../common/auth/auth.decorators';
import { ProjectionWatermarks } from '../common/read-your-writes/projection-watermarks';
import { notFound } from '../common/errors/api-errors';
import { AuthPayload, RoleEnum } from './auth.models';
import { LoginCommand } from './login/login.handler';
import { LoginInput } from './login/login.input';
import { MembershipQuery, Membership } from './membership.query';
import { RefreshTokenCommand } from './refresh-token/refresh-token.handler';
import { RegisterCommand } from './register/register.handler';
import { RegisterInput } from './register/register.input';
import { Session, SessionTokens } from './session-tokens';

function payload(session: Session, membership: Membership): AuthPayload {
  return {
    ...session,
    user: { id: membership.userId, email: membership.email, name: membership.name },
    workspace: { id: membership.workspaceId, name: membership.workspaceName },
    role: RoleEnum[membership.role],
  };
}

@Resolver()
export class AuthResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly watermarks: ProjectionWatermarks,
    private readonly memberships: MembershipQuery,
    private readonly sessions: SessionTokens,
  ) {}

  @Public()
  @Mutation(() => AuthPayload, { description: 'Create an account and its workspace; you are its owner' })
  async register(@Args('input') input: RegisterInput): Promise<AuthPayload> {
    const registered = await this.commandBus.execute(new RegisterCommand(input));
    await this.watermarks.waitFor(['members'], registered.position);
    const membership = await this.memberships.find(registered.userId, registered.workspaceId);
    if (!membership) throw notFound('Workspace', registered.workspaceId);
    const session = await this.sessions.open({ userId: membership.userId, workspaceId: membership.workspaceId, role: membership.role });
    return payload(session, membership);
  }

  @Public()
  @Mutation(() => AuthPayload)
  async login(@Args('input') input: LoginInput): Promise<AuthPayload> {
    const { session, membership } = await this.commandBus.execute(new LoginCommand(input));
    return payload(session, membership);
  }

  @Public()
  @Mutation(() => AuthPayload, { description: 'Trade a refresh token for a new pair; the old one stops working' })
  async refreshToken(@Args('token') token: string): Promise<AuthPayload> {
    const { session, membership } = await this.commandBus.execute(new RefreshTokenCommand(token));
    return payload(session, membership);
  }
}
