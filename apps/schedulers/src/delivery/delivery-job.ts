import { EventData } from '@app/events';

/** One message on the delivery queue: which email to send. The content is read from the log. */
export type DeliveryJob = { workspaceId: string; enrollmentId: string; emailId: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The job of a queued email; the email id is the message id, so a repeated publish is dropped. */
export function deliveryJobOf(queued: EventData<'EmailQueued'>): { id: string; payload: DeliveryJob } {
  return { id: queued.emailId, payload: { workspaceId: queued.workspaceId, enrollmentId: queued.enrollmentId, emailId: queued.emailId } };
}

/** A payload from the queue, checked: anything else is a message someone else put there. */
export function parseDeliveryJob(payload: unknown): DeliveryJob | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const { workspaceId, enrollmentId, emailId } = payload as Record<string, unknown>;
  if (typeof workspaceId !== 'string' || typeof enrollmentId !== 'string' || typeof emailId !== 'string') return null;
  if (![workspaceId, enrollmentId, emailId].every((id) => UUID.test(id))) return null;
  return { workspaceId, enrollmentId, emailId };
}
