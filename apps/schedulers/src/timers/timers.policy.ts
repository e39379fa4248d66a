import { CampaignNotSending, EnrollmentNotFound, StepNotDue } from '@app/domain';

/** A claimed row of the due_steps read model. */
export type DueRow = { enrollmentId: string; workspaceId: string; campaignId: string; stepIndex: number; dueAt: Date };

/**
 * What firing one timer came to.
 * - fired: the decider recorded the step (StepDue and then an email, a skip or a reschedule);
 * - stale: nothing to do (the step was already handled, or the enrollment ended): the row
 *   is a leftover the projector has not removed yet;
 * - not-due: the decider's clock says the step is not due yet (clock skew, or a reschedule
 *   the read model has not caught up with);
 * - not-sending: the campaign is paused or closed but the read model still said active;
 * - failed: anything else (infrastructure, a bug): retried with backoff.
 */
export type FireResult = 'fired' | 'stale' | 'not-due' | 'not-sending' | 'failed';

/** When a timer may be claimed again, and how many times in a row it failed. */
export type TimerMemory = ReadonlyMap<string, { failures: number; notBefore: number }>;

export type TimerPolicySettings = {
  /** After a fire: the row should vanish once the projector applies StepDue; don't claim it meanwhile. */
  quietAfterFireMs: number;
  /** First retry of a failed timer; doubles with each failure. */
  firstRetryMs: number;
  maxRetryMs: number;
  /** How long "paused or closed" is believed before the campaigns read model is asked again. */
  notSendingRetryMs: number;
  notDueRetryMs: number;
};

export const DEFAULT_TIMER_POLICY: TimerPolicySettings = {
  quietAfterFireMs: 5_000,
  firstRetryMs: 1_000,
  maxRetryMs: 60_000,
  notSendingRetryMs: 5_000,
  notDueRetryMs: 1_000,
};

/**
 * One timer is one scheduled occurrence of a step: a rescheduled step (RESUMED, a send
 * window) is a new timer, so the memory of the old one never holds the new one back.
 */
export function timerKey(row: Pick<DueRow, 'enrollmentId' | 'stepIndex' | 'dueAt'>): string {
  return `${row.enrollmentId}:${row.stepIndex}:${row.dueAt.toISOString()}`;
}

/** The timers not to claim now: those still in their quiet or backoff period. */
export function heldBack(memory: TimerMemory, now: number): { enrollmentIds: string[]; stepIndexes: number[]; dueAts: string[] } {
  const held = { enrollmentIds: [] as string[], stepIndexes: [] as number[], dueAts: [] as string[] };
  for (const [key, entry] of memory) {
    if (entry.notBefore <= now) continue;
    const [enrollmentId, stepIndex, dueAt] = splitKey(key);
    held.enrollmentIds.push(enrollmentId);
    held.stepIndexes.push(stepIndex);
    held.dueAts.push(dueAt);
  }
  return held;
}

function splitKey(key: string): [string, number, string] {
  const first = key.indexOf(':');
  const second = key.indexOf(':', first + 1);
  return [key.slice(0, first), Number(key.slice(first + 1, second)), key.slice(second + 1)];
}

/** Backoff of a timer that failed `failures` times in a row: 1 s, 2 s, 4 s ... capped. */
export function retryDelayMs(failures: number, settings: TimerPolicySettings = DEFAULT_TIMER_POLICY): number {
  return Math.min(settings.maxRetryMs, settings.firstRetryMs * 2 ** Math.max(0, failures - 1));
}

/** The memory after a timer's fire came to `result`. */
export function remember(memory: TimerMemory, key: string, result: FireResult, now: number, settings: TimerPolicySettings = DEFAULT_TIMER_POLICY): TimerMemory {
  const next = new Map(memory);
  const failures = (memory.get(key)?.failures ?? 0) + 1;
  switch (result) {
    case 'fired':
    case 'stale':
      next.set(key, { failures: 0, notBefore: now + settings.quietAfterFireMs });
      break;
    case 'not-due':
      next.set(key, { failures: 0, notBefore: now + settings.notDueRetryMs });
      break;
    case 'not-sending':
      next.set(key, { failures: 0, notBefore: now + settings.notSendingRetryMs });
      break;
    case 'failed':
      next.set(key, { failures, notBefore: now + retryDelayMs(failures, settings) });
      break;
    default: {
      const unknown: never = result;
      throw new Error(`unknown fire result ${String(unknown)}`);
    }
  }
  return next;
}

/** Forgets timers whose hold has long passed (their rows are gone or will be claimed afresh). */
export function forget(memory: TimerMemory, now: number, keepMs = 10 * 60_000): TimerMemory {
  const next = new Map<string, { failures: number; notBefore: number }>();
  for (const [key, entry] of memory) if (entry.notBefore > now - keepMs) next.set(key, entry);
  return next;
}

/** What a fire that threw came to; any other refusal or error is a failure to retry. */
export function classifyFailure(error: unknown): Exclude<FireResult, 'fired'> {
  if (error instanceof StepNotDue) return 'not-due';
  if (error instanceof CampaignNotSending) return 'not-sending';
  // The row names an enrollment the store does not have for this workspace: nothing to fire.
  if (error instanceof EnrollmentNotFound) return 'stale';
  return 'failed';
}

/** Seconds between the due time and the fire: the timer_firing_lateness_seconds metric. */
export function latenessSeconds(row: Pick<DueRow, 'dueAt'>, firedAt: Date): number {
  return Math.max(0, (firedAt.getTime() - row.dueAt.getTime()) / 1000);
}
