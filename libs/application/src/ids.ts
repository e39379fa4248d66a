import { createHash, createHmac } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';

/** Namespace of our name-based (v5) ids. */
const NAMESPACE = '7c0a8f0e-5b4a-4f1e-9a57-3c8d2f6b1e90';

/**
 * Ids derived from what they identify, so a retried or duplicated request lands on the same
 * stream and the deciders see it: one enrollment per lead and campaign, one email per step.
 */
export const stableIds = {
  enrollment: (campaignId: string, leadId: string) => uuidv5(`enrollment:${campaignId}:${leadId}`, NAMESPACE),
  /** Occasion campaigns enrol a lead once per date and year: a year's email is never sent twice. */
  occasionEnrollment: (campaignId: string, leadId: string, dateId: string, year: number) => uuidv5(`occasion:${campaignId}:${leadId}:${dateId}:${year}`, NAMESPACE),
  /** One mailbox stream per workspace and address: reconnecting finds the same mailbox. */
  mailbox: (workspaceId: string, address: string) => uuidv5(`mailbox:${workspaceId}:${address.trim().toLowerCase()}`, NAMESPACE),
  email: (enrollmentId: string, stepIndex: number) => uuidv5(`email:${enrollmentId}:${stepIndex}`, NAMESPACE),
  tracking: (emailId: string) => uuidv5(`tracking:${emailId}`, NAMESPACE),
  /** One lead per normalised email and workspace: concurrent creations collide on the stream. */
  lead: (workspaceId: string, emailHash: string) => uuidv5(`lead:${workspaceId}:${emailHash}`, NAMESPACE),
};

/** A stable number in [0, 1) per enrollment and step: which A/B variant a lead gets. */
export function variantRoll(enrollmentId: string, stepIndex: number): number {
  return createHash('sha256').update(`${enrollmentId}:${stepIndex}`).digest().readUInt32BE(0) / 2 ** 32;
}

/** Keyed hash of a normalised email address: compare and dedupe without the plaintext. */
export function emailHash(secret: string, normalisedEmail: string): string {
  return createHmac('sha256', secret).update(normalisedEmail).digest('hex');
}
