export type UserState = { status: 'none' } | { status: 'registered'; userId: string; email: string; name: string };

export type UserCommand = { type: 'RegisterUser'; userId: string; email: string; name: string; now: string };
