/** Tokens from a provider's token endpoint, as we keep them. */
export type OAuthTokens = { accessToken: string; refreshToken?: string; expiresAt: string; scope?: string };

/** A mailbox that granted access: its address and its tokens. */
export type ConnectedAccount = { address: string; displayName?: string; tokens: OAuthTokens & { refreshToken: string } };

/** A message from an inbox, as the provider holds it. */
export type InboxMessage = { providerMessageId: string; threadId?: string; raw: Buffer };
export type InboxPage = { messages: InboxMessage[]; cursor: string };
