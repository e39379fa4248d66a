import { UserEvent } from '@app/events';
import { assertNever } from '../../shared/decider';
import { UserState } from './user.state';

export const initialUserState = (): UserState => ({ status: 'none' });

export function evolveUser(_state: UserState, event: UserEvent): UserState {
  switch (event.type) {
    case 'UserRegistered':
      return { status: 'registered', userId: event.data.userId, email: event.data.email, name: event.data.name };
    default:
      return assertNever(event.type, 'user event');
  }
}
