import { Presets, SingleBar } from 'cli-progress';
import { OperationProgress } from './projection-operations';

/** Where progress goes: a terminal gets a bar, anything else (a log file, CI) plain lines. */
export type ProgressOutput = { isTTY?: boolean; write(text: string): unknown };

export type BuildProgressReporter = {
  update(progress: OperationProgress): void;
  /** Ends the bar or prints the last line. */
  stop(): void;
};

const rate = (p: OperationProgress) => (p.elapsedMs > 0 ? Math.round(p.events / (p.elapsedMs / 1000)) : 0);

function eta(p: OperationProgress): string {
  const perSecond = rate(p);
  if (p.total === null || perSecond === 0) return '?';
  const seconds = Math.max(0, Math.round((p.total - p.events) / perSecond));
  return seconds >= 3600 ? `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m` : seconds >= 60 ? `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`;
}

/**
 * A progress bar (cli-progress) with events/s and ETA on a TTY; otherwise a plain line at
 * most every `intervalMs`, and the last one when it stops.
 */
export function createBuildProgressReporter(output: ProgressOutput, options: { intervalMs?: number; now?: () => number } = {}): BuildProgressReporter {
  return output.isTTY ? barReporter(output) : lineReporter(output, options.intervalMs ?? 2000, options.now ?? Date.now);
}

function barReporter(output: ProgressOutput): BuildProgressReporter {
  let bar: SingleBar | null = null;
  let phase: string | null = null;
  return {
    update(progress) {
      if (!bar || progress.phase !== phase) {
        bar?.stop();
        phase = progress.phase;
        bar = new SingleBar(
          {
            format: `${progress.phase} [{bar}] {percentage}% | {value}/{total} events | {speed} events/s | ETA {eta}`,
            stream: output as NodeJS.WritableStream,
            hideCursor: true,
            etaBuffer: 50,
          },
          Presets.shades_classic,
        );
        bar.start(progress.total ?? progress.events, progress.events, { speed: 0, eta: '?' });
      }
      if (progress.total === null) bar.setTotal(Math.max(progress.events, 1));
      bar.update(progress.events, { speed: rate(progress), eta: eta(progress) });
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}

function lineReporter(output: ProgressOutput, intervalMs: number, now: () => number): BuildProgressReporter {
  let lastAt = Number.NEGATIVE_INFINITY;
  let last: OperationProgress | null = null;
  let printed: OperationProgress | null = null;
  const print = (p: OperationProgress) => {
    const share = p.total ? ` (${Math.min(100, Math.floor((p.events / p.total) * 100))}%)` : '';
    output.write(`${p.phase}: ${p.events}${p.total === null ? '' : `/${p.total}`} events${share}, ${rate(p)} events/s, ETA ${eta(p)}\n`);
    lastAt = now();
    printed = p;
  };
  return {
    update(progress) {
      last = progress;
      if (now() - lastAt >= intervalMs) print(progress);
    },
    stop() {
      if (last && printed !== last) print(last);
    },
  };
}
