import { GrammarCorrection } from '../ai.types';

/** A correction as proposed: its offset may be approximate (models count characters badly). */
export type ProposedCorrection = { offset: number; original: string; suggestion: string; reason: string };

/** Where template tags sit: corrections never touch them. */
function templateSpans(text: string): [number, number][] {
  return [...text.matchAll(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g)].map((m) => [m.index, m.index + m[0].length]);
}

const overlaps = (a: [number, number], b: [number, number]) => a[0] < b[1] && b[0] < a[1];

const WORD = /[\p{L}\p{N}_]/u;

/** Where `needle` occurs as itself, not inside a longer word ("i" is not the i of "think"). */
function occurrences(text: string, needle: string): number[] {
  const found: number[] = [];
  const startsWord = WORD.test(needle.charAt(0));
  const endsWord = WORD.test(needle.charAt(needle.length - 1));
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) {
    if (startsWord && at > 0 && WORD.test(text.charAt(at - 1))) continue;
    if (endsWord && WORD.test(text.charAt(at + needle.length))) continue;
    found.push(at);
  }
  return found;
}

/**
 * Validates proposed corrections against the text: each must quote the text exactly. One
 * whose offset is off is moved to the nearest place where its `original` occurs as a whole
 * (not inside a longer word); one that quotes nothing in the text, touches a template tag,
 * changes nothing or overlaps an earlier one is dropped. What is returned can be applied
 * blindly.
 */
export function placeCorrections(text: string, proposed: readonly ProposedCorrection[]): { corrections: GrammarCorrection[]; dropped: number } {
  const protectedSpans = templateSpans(text);
  const taken: [number, number][] = [];
  const corrections: GrammarCorrection[] = [];
  let dropped = 0;
  for (const p of proposed) {
    const original = p.original;
    if (!original || original === p.suggestion) {
      dropped++;
      continue;
    }
    const free = (at: number) => {
      const span: [number, number] = [at, at + original.length];
      return !protectedSpans.some((s) => overlaps(s, span)) && !taken.some((s) => overlaps(s, span));
    };
    const hint = Number.isFinite(p.offset) ? p.offset : 0;
    // Quoted exactly where it says: that place or nothing (a duplicate must not wander off).
    const exact = text.startsWith(original, hint);
    const candidates = exact ? [hint].filter(free) : occurrences(text, original).filter(free);
    const at = candidates.sort((a, b) => Math.abs(a - hint) - Math.abs(b - hint) || a - b)[0];
    if (at === undefined) {
      dropped++;
      continue;
    }
    taken.push([at, at + original.length]);
    corrections.push({ offset: at, length: original.length, original, suggestion: p.suggestion, reason: p.reason.trim() || 'correction' });
  }
  corrections.sort((a, b) => a.offset - b.offset);
  return { corrections, dropped };
}

/** The text with every correction applied (they do not overlap). */
export function applyCorrections(text: string, corrections: readonly GrammarCorrection[]): string {
  let out = '';
  let last = 0;
  for (const c of [...corrections].sort((a, b) => a.offset - b.offset)) {
    out += text.slice(last, c.offset) + c.suggestion;
    last = c.offset + c.length;
  }
  return out + text.slice(last);
}
