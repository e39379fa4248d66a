import { InvalidUserDetails, UserAlreadyRegistered, UserCommand, userDecider } from '@app/domain';
import { deciderSpec, fixedClock, idFactory } from '@app/testing';

const clock = fixedClock();
const id = idFactory();
const userId = id('user');

const spec = deciderSpec(userDecider);

const register = (email: string, name: string): UserCommand => ({ type: 'RegisterUser', userId, email, name, now: clock.now });

describe('registering a user', () => {
  it('records the user with a normalised email and trimmed name', () => {
    spec
      .given([])
      .when(register(' Grace@Example.COM ', ' Grace Hopper '))
      .then([{ type: 'UserRegistered', data: { userId, email: 'grace@example.com', name: 'Grace Hopper', registeredAt: clock.now } }]);
  });

  it.each(['grace', 'grace@', 'grace@@example.com'])('refuses the email %j', (email) => {
    spec.given([]).when(register(email, 'Grace')).thenThrows(InvalidUserDetails, `"${email}" is not a valid email address`);
  });

  it.each(['', '   ', 'g'.repeat(201)])('refuses the name %j', (name) => {
    spec.given([]).when(register('grace@example.com', name)).thenThrows(InvalidUserDetails, 'Give your name');
  });
});

describe('a registered user', () => {
  it('cannot register again', () => {
    spec
      .given([{ type: 'UserRegistered', data: { userId, email: 'grace@example.com', name: 'Grace Hopper', registeredAt: clock.now } }])
      .when(register('grace@example.com', 'Grace Hopper'))
      .thenThrows(UserAlreadyRegistered, 'log in instead');
  });
});
