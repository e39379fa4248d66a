import { createCopyProgressReporter } from './copy-progress-reporter';

function output(isTTY: boolean) {
  const chunks: string[] = [];
  return { isTTY, chunks, write: (text: string) => chunks.push(text), columns: 100, cursorTo: () => true, moveCursor: () => true, clearLine: () => true, clearScreenDown: () => true };
}

describe('copy progress on a log (not a terminal)', () => {
  it('prints a line per phase, at most one per interval, and the final count', () => {
    const out = output(false);
    let now = 0;
    const reporter = createCopyProgressReporter(out, { intervalMs: 1000, now: () => now });
    reporter.update({ phase: 'counting', done: 0, total: null });
    reporter.update({ phase: 'counting', done: 500, total: null });
    reporter.update({ phase: 'counting', done: 800, total: null });
    reporter.update({ phase: 'copying', done: 0, total: 800 });
    now = 400;
    reporter.update({ phase: 'copying', done: 100, total: 800 });
    now = 1200;
    reporter.update({ phase: 'copying', done: 300, total: 800 });
    now = 1300;
    reporter.update({ phase: 'copying', done: 800, total: 800 });
    reporter.stop();
    expect(out.chunks).toEqual([
      'Counting: 0 events\n',
      'Counting: 800 events\n',
      'Copying: 0/800 events (0%)\n',
      'Copying: 300/800 events (37%)\n',
      'Copying: 800/800 events (100%)\n',
    ]);
  });
});

describe('copy progress on a terminal', () => {
  it('draws a bar per phase with the count and the share done', () => {
    const out = output(true);
    const reporter = createCopyProgressReporter(out);
    reporter.update({ phase: 'counting', done: 0, total: null });
    reporter.update({ phase: 'copying', done: 0, total: 40 });
    reporter.update({ phase: 'copying', done: 40, total: 40 });
    reporter.stop();
    const text = out.chunks.join('');
    expect(text).toContain('Counting events...');
    expect(text).toMatch(/Copying +\[.*\] 100% \| 40\/40/);
  });
});
