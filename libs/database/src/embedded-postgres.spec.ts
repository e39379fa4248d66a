import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closedAncestor } from './embedded-postgres';

describe('closedAncestor', () => {
  const base = mkdtempSync(join(tmpdir(), 'closed-ancestor-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('names the first directory others may not enter on the way to the data directory', () => {
    const home = join(base, 'home');
    const data = join(home, 'project', '.data');
    mkdirSync(data, { recursive: true });
    chmodSync(base, 0o755);
    chmodSync(join(home, 'project'), 0o755);
    chmodSync(data, 0o755);
    chmodSync(home, 0o700);
    expect(closedAncestor(data)).toBe(home);
    chmodSync(home, 0o711);
    expect(closedAncestor(data)).toBeNull();
  });
});
