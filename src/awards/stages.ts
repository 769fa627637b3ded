import type { Assignment } from './seats.ts';

export interface SeededEntry {
  entryId: string;
  /** The qualifying outcomes that brought the entry in, e.g. ['一等奖', '推优']. */
  via: string[];
}

export interface StageSeed {
  /** Entries going on to the next stage, in order of the sources and their ranking. */
  seeded: SeededEntry[];
  /** Entries held by a 边界并列 whose upper band qualifies: they go on only if decided upwards. */
  pending: { entryId: string; upperBand: string }[];
}

/**
 * Seeds a next stage (市级交流, national recommendation) from first-stage results: every entry whose
 * final band or recommendation is one of `qualifying` (e.g. ['一等奖'] or ['推优']), across any number of
 * band and quota results.
 */
export function seedNextStage(sources: readonly (readonly Assignment[])[], qualifying: readonly string[]): StageSeed {
  const seeded = new Map<string, SeededEntry>();
  const held = new Map<string, string>();
  for (const a of sources.flat()) {
    if (a.band !== null && qualifying.includes(a.band)) {
      const s = seeded.get(a.entryId) ?? { entryId: a.entryId, via: [] };
      if (!s.via.includes(a.band)) s.via.push(a.band);
      seeded.set(a.entryId, s);
    } else if (a.pending && a.heldByTie && qualifying.includes(a.heldByTie.upperBand)) {
      held.set(a.entryId, a.heldByTie.upperBand);
    }
  }
  return {
    seeded: [...seeded.values()],
    pending: [...held].filter(([id]) => !seeded.has(id)).map(([entryId, upperBand]) => ({ entryId, upperBand })),
  };
}
