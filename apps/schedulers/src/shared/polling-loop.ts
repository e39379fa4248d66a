import { AppLogger } from '@app/platform';
import { errorText, pause } from './concurrency';

/**
 * The loop under each polling job (timers, inbox pollers, occasions): runs a tick until
 * stopped, waits between ticks (not after one that reports a backlog), and remembers whether
 * ticks have been succeeding lately, for /health/ready.
 */
export class PollingLoop {
  private controller: AbortController | null = null;
  private loop: Promise<void> | null = null;
  private lastOkAt = 0;
  private lastError: string | null = null;

  constructor(
    private readonly job: {
      /** What the health answer calls it: "timer loop", "inbox pollers". */
      name: string;
      /** Health fails when no tick has succeeded for this long. */
      staleAfterMs: () => number;
      logger: AppLogger;
    },
  ) {}

  /**
   * `tick` resolves to true when work is left over (go straight on); a tick that throws is
   * logged and tried again after the wait.
   */
  start(tick: (signal: AbortSignal) => Promise<boolean>, waitMs: () => number): void {
    if (this.loop) return;
    const controller = new AbortController();
    this.controller = controller;
    this.loop = (async () => {
      while (!controller.signal.aborted) {
        let backlog = false;
        try {
          backlog = await tick(controller.signal);
        } catch (error) {
          this.job.logger.warn({ err: error }, `${this.job.name}: tick failed; trying again next tick`);
        }
        if (!backlog) await pause(waitMs(), controller.signal);
      }
    })();
  }

  /** Stops starting ticks; the one in flight finishes first. */
  async stop(): Promise<void> {
    this.controller?.abort();
    await this.loop;
    this.loop = null;
  }

  /** Runs one tick's work and records how it went. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    try {
      const result = await work();
      this.lastOkAt = Date.now();
      this.lastError = null;
      return result;
    } catch (error) {
      this.lastError = errorText(error);
      throw error;
    }
  }

  health(): true | string {
    if (this.lastOkAt && Date.now() - this.lastOkAt <= this.job.staleAfterMs()) return true;
    return this.lastError ? `${this.job.name} failing: ${this.lastError}` : `${this.job.name}: no tick has completed yet`;
  }
}
