/** A fixed clock: tests never read the real one. `at('+2d')`-style offsets from a start. */
export function fixedClock(start = '2025-03-03T09:00:00.000Z') {
  const base = Date.parse(start);
  return {
    now: start,
    /** The instant `ms` milliseconds after the start. */
    plus(ms: number): string {
      return new Date(base + ms).toISOString();
    },
  };
}

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/**
 * Deterministic ids: `ids('lead')` gives the same valid UUIDs in every run, distinct per label
 * and per call: 1st, 2nd, ... call for a label.
 */
export function idFactory() {
  const counters = new Map<string, number>();
  return (label = 'id'): string => {
    const n = (counters.get(label) ?? 0) + 1;
    counters.set(label, n);
    let hash = 0x811c9dc5;
    for (const ch of label) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    const hex = hash.toString(16).padStart(8, '0') + n.toString(16).padStart(24, '0');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  };
}
