import { Inject, Injectable } from '@nestjs/common';
import { EventStore } from '@app/event-store';
import { EVENT_STORE, KYSELY } from '@app/platform';
import { DB } from '@app/read-store';
import { Kysely } from 'kysely';
import { ProjectionWatermarks } from '../common/read-your-writes/projection-watermarks';

/**
 * The lead's enrollments (any status), from the enrollments read model once it has caught up
 * with the log as it is now: an enrollment made just before is not missed.
 */
@Injectable()
export class EnrollmentsOfLead {
  constructor(
    @Inject(KYSELY) private readonly db: Kysely<DB>,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly watermarks: ProjectionWatermarks,
  ) {}

  async all(workspaceId: string, leadId: string, upTo?: string | null): Promise<{ enrollmentId: string; status: string }[]> {
    await this.watermarks.waitFor(['enrollments'], upTo ?? (await this.store.headPosition()));
    return this.db.selectFrom('enrollments').select(['enrollmentId', 'status']).where('workspaceId', '=', workspaceId).where('leadId', '=', leadId).orderBy('enrolledAt').execute();
  }
}
