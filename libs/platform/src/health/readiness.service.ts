import { Injectable } from '@nestjs/common';

export type ReadinessCheck = { name: string; check: () => Promise<boolean | string> };
export type ReadinessReport = { ready: boolean; checks: Record<string, { ok: boolean; detail?: string }> };

/** Modules register what must hold before the process takes traffic. */
@Injectable()
export class ReadinessService {
  private readonly checks: ReadinessCheck[] = [];
  private shuttingDown = false;

  register(check: ReadinessCheck): void {
    this.checks.push(check);
  }

  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  async report(): Promise<ReadinessReport> {
    const checks: ReadinessReport['checks'] = {};
    if (this.shuttingDown) checks.shutdown = { ok: false, detail: 'shutting down' };
    await Promise.all(
      this.checks.map(async ({ name, check }) => {
        try {
          const result = await Promise.race([check(), new Promise<string>((resolve) => setTimeout(() => resolve('timed out'), 2000).unref())]);
          checks[name] = result === true ? { ok: true } : { ok: false, detail: typeof result === 'string' ? result : 'not ready' };
        } catch (error) {
          checks[name] = { ok: false, detail: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    return { ready: Object.values(checks).every((c) => c.ok), checks };
  }
}
