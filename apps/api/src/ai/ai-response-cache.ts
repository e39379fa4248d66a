import { Inject, Injectable } from '@nestjs/common';
import { CachedAnswer } from '@app/ai';
import { KeyStore, open, seal } from '@app/event-store';
import { DB } from '@app/read-store';
import { KEY_STORE, KYSELY } from '@app/platform';
import { Kysely, sql } from 'kysely';

/**
 * Answers to identical requests, for a few minutes, shared by every API process. An answer
 * about a lead is personal data: it is sealed with the lead's key (AES-256-GCM, bound to the
 * cache key), so erasing the lead makes it unreadable at once, like the lead's events.
 */
@Injectable()
export class AiResponseCache {
  constructor(
    @Inject(KYSELY) private readonly db: Kysely<DB>,
    @Inject(KEY_STORE) private readonly keys: KeyStore,
  ) {}

  async get(workspaceId: string, cacheKey: string, leadId: string | null): Promise<CachedAnswer | null> {
    const row = await this.db
      .selectFrom('aiResponseCache')
      .select(['answer', 'model', 'sealed', 'leadId'])
      .where('workspaceId', '=', workspaceId)
      .where('cacheKey', '=', cacheKey)
      .where('expiresAt', '>', sql<Date>`now()`)
      .executeTakeFirst();
    if (!row || row.leadId !== leadId) return null;
    if (!row.sealed) return { content: row.answer, model: row.model };
    if (!leadId) return null;
    const key = (await this.keys.keysForReading([leadId])).get(leadId);
    if (!key) return null;
    try {
      return { content: open(key, Buffer.from(row.answer, 'base64'), Buffer.from(cacheKey)).toString('utf8'), model: row.model };
    } catch {
      return null;
    }
  }

  async put(workspaceId: string, cacheKey: string, leadId: string | null, answer: CachedAnswer, ttlSeconds: number): Promise<void> {
    let stored = answer.content;
    if (leadId) {
      const key = (await this.keys.keysForWriting([leadId])).get(leadId);
      // An erased lead's answers are not kept anywhere.
      if (!key) return;
      stored = seal(key, Buffer.from(answer.content, 'utf8'), Buffer.from(cacheKey)).toString('base64');
    }
    await this.db
      .insertInto('aiResponseCache')
      .values({ workspaceId, cacheKey, leadId, model: answer.model, answer: stored, sealed: leadId !== null, expiresAt: sql<Date>`now() + make_interval(secs => ${ttlSeconds})` })
      .onConflict((oc) => oc.columns(['workspaceId', 'cacheKey']).doUpdateSet((eb) => ({ answer: eb.ref('excluded.answer'), model: eb.ref('excluded.model'), sealed: eb.ref('excluded.sealed'), expiresAt: eb.ref('excluded.expiresAt'), createdAt: sql<Date>`now()` })))
      .execute();
    // Expired answers go as new ones arrive: the table holds minutes of answers, never more.
    await this.db.deleteFrom('aiResponseCache').where('expiresAt', '<', sql<Date>`now()`).execute();
  }
}
