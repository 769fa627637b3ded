import { indexOverrides, type BandOverride } from './overrides.ts';
import { rankEntries, type RankedEntry } from './ranking.ts';

/** A band (一等奖, 推优 …) with the number of seats it has, best band first. */
export interface SeatBand {
  name: string;
  cap: number;
}

export interface Assignment {
  entryId: string;
  /** 1-based competition rank: fully tied entries share the rank of the first of them. */
  rank: number;
  score: number;
  /** Band from the ranking alone; null when outside every band or held by a boundary tie. */
  computedBand: string | null;
  /** Set when the entry is in a 边界并列 group: the best and worst band its rank spans. */
  heldByTie: { upperBand: string; lowerBand: string | null } | null;
  override: { band: string | null; reason: string } | null;
  /** Final band: the override if any, else computedBand. */
  band: string | null;
  /** Held by a boundary tie and not yet decided by an override. */
  pending: boolean;
}

export interface BoundaryTie {
  label: '边界并列';
  /** Best band the group's ranks reach into; its unfilled seats are held for the group. */
  upperBand: string;
  /** Band of the group's last rank position; null when it lies beyond every band. */
  lowerBand: string | null;
  rank: number;
  entryIds: string[];
  /** Seats of upperBand left unfilled because the group cannot be split by the ranking. */
  seatsLeft: number;
  /** Every entry of the group has an organizer override. */
  resolved: boolean;
  message: string;
}

export interface BandCount {
  band: string;
  cap: number;
  count: number;
  /** Only an organizer override can put a band over its cap; reported, never silent. */
  overCap: boolean;
}

export interface Placement {
  assignments: Assignment[];
  ties: BoundaryTie[];
  counts: BandCount[];
  /** Entries still awaiting a tie decision. */
  pending: number;
}

/**
 * Ranks entries and fills the bands in order, best band first.
 *
 * Tie rule (边界并列): a group of fully tied entries (same score and tie-break chain) whose rank
 * positions s+1 … s+g cross the end of a band's seats is not split and not pushed over any cap.
 * The whole group is held: its entries get no computed band, the unfilled seats of the upper band
 * stay empty (seatsLeft), and the group still occupies its g rank positions, so every entry ranked
 * below it gets exactly the band it would get if the organizer broke the tie in any order. The
 * organizer decides with overrides (e.g. all into the upper band, over its cap, with a reason).
 * Groups that fit inside one band, or lie wholly outside the bands, are not ties in this sense.
 */
export function placeEntries(
  entries: readonly RankedEntry[],
  bands: readonly SeatBand[],
  overrides: readonly BandOverride[],
  outsideLabel: string,
): Placement {
  const names = bands.map((b) => b.name);
  const byEntry = indexOverrides(overrides, new Set(entries.map((e) => e.id)), names);
  let end = 0;
  const ends = bands.map((b) => (end += b.cap)); // rank positions below ends[i] fall in band i
  const bandAt = (position: number): number => ends.findIndex((bandEnd) => position < bandEnd);

  const assignments: Assignment[] = [];
  const ties: BoundaryTie[] = [];
  for (const group of rankEntries(entries)) {
    const first = bandAt(group.start);
    const last = bandAt(group.start + group.entries.length - 1);
    const straddles = first !== last;
    const heldByTie = straddles ? { upperBand: names[first], lowerBand: last < 0 ? null : names[last] } : null;
    const computedBand = straddles || first < 0 ? null : names[first];
    for (const entry of group.entries) {
      const o = byEntry.get(entry.id);
      assignments.push({
        entryId: entry.id,
        rank: group.start + 1,
        score: entry.score,
        computedBand,
        heldByTie,
        override: o ? { band: o.band, reason: o.reason } : null,
        band: o ? o.band : computedBand,
        pending: straddles && !o,
      });
    }
    if (heldByTie) {
      const seatsLeft = ends[first] - group.start;
      const g = group.entries.length;
      ties.push({
        label: '边界并列',
        ...heldByTie,
        rank: group.start + 1,
        entryIds: group.entries.map((e) => e.id),
        seatsLeft,
        resolved: group.entries.every((e) => byEntry.has(e.id)),
        message:
          `${g} 件作品并列第 ${group.start + 1} 名，跨越“${heldByTie.upperBand}”与“${heldByTie.lowerBand ?? outsideLabel}”的边界；` +
          `${heldByTie.upperBand}尚余 ${seatsLeft} 个名额，暂不授予，待组织者决定（不自动超出名额）`,
      });
    }
  }
  const counts = bands.map((b): BandCount => {
    const count = assignments.filter((a) => a.band === b.name).length;
    return { band: b.name, cap: b.cap, count, overCap: count > b.cap };
  });
  return { assignments, ties, counts, pending: assignments.filter((a) => a.pending).length };
}
