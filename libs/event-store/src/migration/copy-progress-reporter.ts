import { Presets, SingleBar } from 'cli-progress';
import { CopyPhase, CopyProgress } from './copy-event-store';

/** Where progress goes: a terminal gets a bar, anything else (a log file, CI) plain lines. */
export type ProgressOutput = { isTTY?: boolean; write(text: string): unknown };

export type CopyProgressReporter = {
  update(progress: CopyProgress): void;
  /** Ends the bar or prints the last line. */
  stop(): void;
};

const LABEL: Record<CopyPhase, string> = { counting: 'Counting', copying: 'Copying', verifying: 'Verifying' };

/**
 * A progress bar (cli-progress) on a TTY; otherwise a plain line at most every `intervalMs`,
 * plus one when a phase completes, so logs stay readable.
 */
export function createCopyProgressReporter(output: ProgressOutput, options: { intervalMs?: number; now?: () => number } = {}): CopyProgressReporter {
  return output.isTTY ? barReporter(output) : lineReporter(output, options.intervalMs ?? 2000, options.now ?? Date.now);
}

function barReporter(output: ProgressOutput): CopyProgressReporter {
  let bar: SingleBar | null = null;
  let phase: CopyPhase | null = null;
  return {
    update(progress) {
      if (progress.total === null) {
        if (progress.phase !== phase) output.write(`${LABEL[progress.phase]} events...\n`);
        phase = progress.phase;
        return;
      }
      if (progress.phase !== phase || !bar) {
        bar?.stop();
        phase = progress.phase;
        bar = new SingleBar(
          { format: `${LABEL[progress.phase].padEnd(9)} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}`, stream: output as NodeJS.WritableStream, hideCursor: true },
          Presets.shades_classic,
        );
        bar.start(progress.total, progress.done);
        return;
      }
      bar.update(progress.done);
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}

function lineReporter(output: ProgressOutput, intervalMs: number, now: () => number): CopyProgressReporter {
  let phase: CopyPhase | null = null;
  let lastAt = 0;
  let last: CopyProgress | null = null;
  let printed: CopyProgress | null = null;
  const print = (progress: CopyProgress) => {
    const share = progress.total ? ` (${Math.floor((progress.done / progress.total) * 100)}%)` : '';
    output.write(`${LABEL[progress.phase]}: ${progress.done}${progress.total === null ? '' : `/${progress.total}`} events${share}\n`);
    lastAt = now();
    printed = progress;
  };
  return {
    update(progress) {
      if (phase !== progress.phase) {
        // Close the previous phase with its final count.
        if (last && printed !== last) print(last);
        phase = progress.phase;
        print(progress);
      } else if (now() - lastAt >= intervalMs || (progress.total !== null && progress.done >= progress.total)) {
        print(progress);
      }
      last = progress;
    },
    stop() {
      if (last && printed !== last) print(last);
    },
  };
}
