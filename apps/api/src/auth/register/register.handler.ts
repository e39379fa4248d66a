import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { normaliseEmail, userDecider, workspaceDecider } from '@app/domain';
import { streams } from '@app/events';
import { DB } from '@app/read-store';
import { CommandExecutor, KYSELY } from '@app/platform';
import { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { ApiError } from '../../common/errors/api-errors';
import { hashPassword } from '../passwords';

export type Registered = { userId: string; workspaceId: string; position: string | null };

export class RegisterCommand extends Command<Registered> {
  constructor(readonly input: { email: string; password: string; name: string; workspaceName: string }) {
    super();
  }
}

/**
 * Registration: the credentials row reserves the email (the password hash never enters the
 * log), then the user and their workspace are created through their deciders. If appending
 * fails, the reservation is released so the email can be used again.
 */
@CommandHandler(RegisterCommand)
export class RegisterHandler implements ICommandHandler<RegisterCommand> {
  constructor(
    private readonly commands: CommandExecutor,
    @Inject(KYSELY) private readonly db: Kysely<DB>,
  ) {}

  async execute({ input }: RegisterCommand): Promise<Registered> {
    const email = normaliseEmail(input.email);
    const userId = uuidv7();
    const workspaceId = uuidv7();
    const passwordHash = await hashPassword(input.password);
    const reserved = await this.db
      .insertInto('credentials')
      .values({ userId, email, passwordHash })
      .onConflict((oc) => oc.column('email').doNothing())
      .returning('userId')
      .executeTakeFirst();
    if (!reserved) throw new ApiError('CONFLICT', 'An account with this email already exists: log in instead', 'USER.ALREADY_REGISTERED');
    try {
      const now = this.commands.now();
      await this.commands.execute({
        name: 'RegisterUser',
        streamId: streams.user(userId),
        decider: userDecider,
        command: { type: 'RegisterUser', userId, email, name: input.name, now },
        tenantId: workspaceId,
        actorId: userId,
      });
      const workspace = await this.commands.execute({
        name: 'CreateWorkspace',
        streamId: streams.workspace(workspaceId),
        decider: workspaceDecider,
        command: { type: 'CreateWorkspace', workspaceId, name: input.workspaceName, ownerId: userId, now },
        tenantId: workspaceId,
        actorId: userId,
      });
      return { userId, workspaceId, position: workspace.appended?.position ?? null };
    } catch (error) {
      await this.db.deleteFrom('credentials').where('userId', '=', userId).execute();
      throw error;
    }
  }
}
