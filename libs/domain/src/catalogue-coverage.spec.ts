import { readFileSync, readdirSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { eventTypes } from '@app/events';

/**
 * Every event of the catalogue must be produced by a decider and pinned down by a spec: an
 * event no decider writes is dead weight in the schema, and one no spec mentions can change
 * shape unnoticed. Both are checked by looking for `type: '<Name>'` in the source.
 */
const root = __dirname;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

const files = filesUnder(root);
const deciders = files.filter((f) => f.endsWith('.decide.ts'));
const deciderSpecs = files.filter((f) => f.endsWith('.decider.spec.ts'));
const read = (paths: string[]) => paths.map((p) => readFileSync(p, 'utf8'));
const mentions = (sources: string[], type: string) => sources.some((source) => source.includes(`type: '${type}'`));

describe('the event catalogue', () => {
  it('has a decider for every aggregate, each with a spec beside it', () => {
    expect(deciders.length).toBeGreaterThanOrEqual(7);
    const withoutSpec = deciders.filter((d) => !deciderSpecs.includes(d.replace(/\.decide\.ts$/, '.decider.spec.ts'))).map((d) => relative(root, d));
    expect(withoutSpec).toEqual([]);
  });

  it('has every event type produced by some *.decide.ts', () => {
    const sources = read(deciders);
    const neverProduced = eventTypes.filter((type) => !mentions(sources, type));
    expect(neverProduced).toEqual([]);
  });

  it('has every event type in some *.decider.spec.ts', () => {
    const sources = read(deciderSpecs);
    const neverSpecified = eventTypes.filter((type) => !mentions(sources, type));
    expect(neverSpecified).toEqual([]);
  });

  it('finds the files it reads (a wrong root would pass vacuously)', () => {
    expect(deciderSpecs.map((f) => basename(f)).sort()).toEqual(
      expect.arrayContaining(['enrollment.decider.spec.ts', 'campaign.decider.spec.ts', 'lead.decider.spec.ts', 'sequence.decider.spec.ts']),
    );
    expect(eventTypes.length).toBeGreaterThan(20);
  });
});
