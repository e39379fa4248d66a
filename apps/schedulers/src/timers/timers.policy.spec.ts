import { CampaignNotSending, EnrollmentNotFound, NoStepScheduled, StepNotDue } from '@app/domain';
import { DEFAULT_TIMER_POLICY, TimerMemory, classifyFailure, forget, heldBack, latenessSeconds, remember, retryDelayMs, timerKey } from './timers.policy';

const row = { enrollmentId: '0195a3c4-0000-7000-8000-000000000001', stepIndex: 1, dueAt: new Date('2025-03-03T10:00:00.000Z') };
const key = timerKey(row);
const now = Date.parse('2025-03-03T10:00:05.000Z');

describe('a timer that fired', () => {
  it('is held back for a quiet period while the projector removes its row', () => {
    const memory = remember(new Map(), key, 'fired', now);
    expect(heldBack(memory, now + 1000)).toEqual({ enrollmentIds: [row.enrollmentId], stepIndexes: [1], dueAts: ['2025-03-03T10:00:00.000Z'] });
    expect(heldBack(memory, now + DEFAULT_TIMER_POLICY.quietAfterFireMs).enrollmentIds).toEqual([]);
  });

  it('does not hold back the next occurrence of the same enrollment (a reschedule is a new timer)', () => {
    const memory = remember(new Map(), key, 'fired', now);
    const rescheduled = timerKey({ ...row, dueAt: new Date('2025-03-03T14:00:00.000Z') });
    expect(rescheduled).not.toBe(key);
    expect([...memory.keys()]).toEqual([key]);
  });
});

describe('a timer that keeps failing', () => {
  it('backs off 1 s, 2 s, 4 s ... up to a minute, and a success resets it', () => {
    let memory: TimerMemory = new Map();
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      memory = remember(memory, key, 'failed', now);
      delays.push((memory.get(key)?.notBefore ?? 0) - now);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    memory = remember(memory, key, 'fired', now);
    expect(memory.get(key)?.failures).toBe(0);
    expect(retryDelayMs(1)).toBe(1000);
  });

  it('holds back only itself: other timers are claimed as usual', () => {
    const other = timerKey({ ...row, enrollmentId: '0195a3c4-0000-7000-8000-000000000002' });
    const memory = remember(new Map(), key, 'failed', now);
    expect(heldBack(memory, now).enrollmentIds).toEqual([row.enrollmentId]);
    expect(memory.has(other)).toBe(false);
  });
});

describe('refusals from the decider', () => {
  it('are told apart from failures', () => {
    expect(classifyFailure(new StepNotDue(1, '2025-03-03T10:00:00.000Z'))).toBe('not-due');
    expect(classifyFailure(new CampaignNotSending('paused'))).toBe('not-sending');
    expect(classifyFailure(new EnrollmentNotFound('x'))).toBe('stale');
    expect(classifyFailure(new NoStepScheduled('manual only'))).toBe('failed');
    expect(classifyFailure(new Error('connection reset'))).toBe('failed');
  });

  it('retry soon without counting as failures', () => {
    const notDue = remember(new Map(), key, 'not-due', now);
    const notSending = remember(new Map(), key, 'not-sending', now);
    expect(notDue.get(key)).toEqual({ failures: 0, notBefore: now + DEFAULT_TIMER_POLICY.notDueRetryMs });
    expect(notSending.get(key)).toEqual({ failures: 0, notBefore: now + DEFAULT_TIMER_POLICY.notSendingRetryMs });
  });
});

describe('the memory of timers', () => {
  it('forgets entries long past their hold', () => {
    const memory = remember(new Map(), key, 'fired', now);
    expect(forget(memory, now + 60_000).size).toBe(1);
    expect(forget(memory, now + 11 * 60_000).size).toBe(0);
  });
});

describe('lateness', () => {
  it('is the time from due to fire, never negative', () => {
    expect(latenessSeconds(row, new Date('2025-03-03T10:00:02.500Z'))).toBe(2.5);
    expect(latenessSeconds(row, new Date('2025-03-03T09:59:59.000Z'))).toBe(0);
  });
});
