import { Injectable } from '@nestjs/common';
import { Origin } from '../common/auth/origin';
import { notFound } from '../common/errors/api-errors';
import { EmailRef, EmailsQuery } from './queries/emails.query';

/** What recording a fact about an email changes, for read-your-writes. */
export const EMAIL_FACT_PROJECTIONS = ['emails', 'enrollments', 'campaigns', 'campaign_daily_stats'] as const;

/**
 * Finds the enrollment an email belongs to (tracking facts land on the enrollment stream). A
 * member sees only their workspace's emails; another workspace's email is NOT_FOUND.
 */
@Injectable()
export class EmailRefs {
  constructor(private readonly emails: EmailsQuery) {}

  async resolve(origin: Origin, emailId: string): Promise<EmailRef> {
    const email = await this.emails.ref(emailId);
    if (!email || (origin.kind === 'member' && email.workspaceId !== origin.actor.workspaceId)) throw notFound('Email', emailId);
    return email;
  }
}
