import { Email, UserEvent } from '@app/events';
import { Decider, assertNever } from '../../shared/decider';
import { InvalidUserDetails, UserAlreadyRegistered } from './user.errors';
import { evolveUser, initialUserState } from './user.evolve';
import { UserCommand, UserState } from './user.state';

export function decideUser(command: UserCommand, state: UserState): UserEvent[] {
  switch (command.type) {
    case 'RegisterUser': {
      if (state.status !== 'none') throw new UserAlreadyRegistered();
      const email = command.email.trim().toLowerCase();
      if (!Email.safeParse(email).success) throw new InvalidUserDetails(`"${command.email}" is not a valid email address`);
      const name = command.name.trim();
      if (!name || name.length > 200) throw new InvalidUserDetails('Give your name (1 to 200 characters)');
      return [{ type: 'UserRegistered', data: { userId: command.userId, email, name, registeredAt: command.now } }];
    }
    default:
      return assertNever(command.type, 'user command');
  }
}

export const userDecider: Decider<UserCommand, UserEvent, UserState> = { initialState: initialUserState, evolve: evolveUser, decide: decideUser };
