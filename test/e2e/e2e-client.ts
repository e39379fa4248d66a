import { randomUUID } from 'node:crypto';

export type GqlError = { message: string; extensions?: { code?: string; reason?: string } };

/** A GraphQL and HTTP client, as a frontend would use the API: nothing but its public URL. */
export class E2eClient {
  constructor(readonly baseUrl: string) {}

  async graphql<T>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<{ data?: T | null; errors?: GqlError[] }> {
    const response = await fetch(`${this.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': `e2e-${randomUUID()}`, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: T | null; errors?: GqlError[] };
  }

  async ok<T>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
    const result = await this.graphql<T>(query, variables, token);
    if (result.errors?.length || !result.data) throw new Error(`GraphQL failed: ${JSON.stringify(result.errors ?? result)}`);
    return result.data;
  }

  /** The error code of an operation that must fail. */
  async fails(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<string | undefined> {
    const result = await this.graphql(query, variables, token);
    if (!result.errors?.length) throw new Error(`expected an error, got ${JSON.stringify(result.data)}`);
    return result.errors[0]?.extensions?.code;
  }
}
