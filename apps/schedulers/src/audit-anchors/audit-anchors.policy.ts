import { AnchorOutcome } from '@app/event-store';

/** How often every workspace's log is anchored. */
export const ANCHOR_INTERVAL_MS = 60 * 60_000;
/** The first round after start: soon, but not in the middle of a burst of starts. */
export const FIRST_ANCHOR_DELAY_MS = 60_000;

export type AnchorRound = { anchored: number; unchanged: number; refused: { workspaceId: string; streamId: string; detail: string }[]; failed: number };

/** Adds one workspace's outcome to the round's tally. */
export function tally(round: AnchorRound, workspaceId: string, outcome: AnchorOutcome): AnchorRound {
  switch (outcome.kind) {
    case 'anchored':
      return { ...round, anchored: round.anchored + 1 };
    case 'unchanged':
      return { ...round, unchanged: round.unchanged + 1 };
    case 'refused':
      return { ...round, refused: [...round.refused, { workspaceId, streamId: outcome.streamId, detail: outcome.detail }] };
    default: {
      const never: never = outcome;
      return never;
    }
  }
}

export const emptyRound = (): AnchorRound => ({ anchored: 0, unchanged: 0, refused: [], failed: 0 });
