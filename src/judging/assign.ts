import { type Affiliation, type ConflictOptions, conflictReason } from './conflicts.ts';

/** Automatic reviewer assignment: N experts per entry, balanced loads within a panel, no conflicts of interest. */

export interface AssignableEntry {
  id: number;
  /** Panel (评审组) key; an entry is only reviewed by experts of its panel. */
  panel: string;
  authors: Affiliation[];
}

export interface AssignableExpert extends Affiliation {
  id: number;
  panels: string[];
}

export interface CurrentAssignment {
  entryId: number;
  expertId: number;
  /** A review was started or submitted: the assignment is never moved or removed automatically. */
  locked: boolean;
}

export interface AssignOptions extends ConflictOptions {
  perEntry: number;
  /** Conflicts declared by experts themselves: never assigned again. */
  declined?: { entryId: number; expertId: number }[];
}

export interface Pair {
  entryId: number;
  expertId: number;
}

export interface Shortfall {
  entryId: number;
  assigned: number;
  needed: number;
  reason: string;
}

export interface AssignmentPlan {
  /** The complete assignment after the run: kept plus added. */
  assignments: Pair[];
  added: Pair[];
  removed: Pair[];
  shortfalls: Shortfall[];
}

const pairKey = (entryId: number, expertId: number) => `${entryId}:${expertId}`;

export function planAssignments(
  entries: AssignableEntry[],
  experts: AssignableExpert[],
  current: CurrentAssignment[],
  options: AssignOptions,
): AssignmentPlan {
  const expertById = new Map(experts.map((x) => [x.id, x]));
  const declined = new Set((options.declined ?? []).map((d) => pairKey(d.entryId, d.expertId)));
  const entryIds = new Set(entries.map((e) => e.id));

  const eligibleFor = new Map<number, Set<number>>();
  for (const entry of entries) {
    const ok = new Set<number>();
    for (const x of experts) {
      if (!x.panels.includes(entry.panel) || declined.has(pairKey(entry.id, x.id))) continue;
      if (conflictReason(x, entry.authors, options) === null) ok.add(x.id);
    }
    eligibleFor.set(entry.id, ok);
  }

  const reviewers = new Map<number, Set<number>>(entries.map((e) => [e.id, new Set<number>()]));
  const lockedPairs = new Set<string>();
  const load = new Map<number, number>(experts.map((x) => [x.id, 0]));
  const removed: Pair[] = [];
  const assign = (entryId: number, expertId: number) => {
    reviewers.get(entryId)!.add(expertId);
    load.set(expertId, (load.get(expertId) ?? 0) + 1);
  };
  const unassign = (entryId: number, expertId: number) => {
    reviewers.get(entryId)!.delete(expertId);
    load.set(expertId, load.get(expertId)! - 1);
  };

  // Keep what still holds; locked work is kept even when it no longer fits (a person decides).
  for (const a of current) {
    const valid = entryIds.has(a.entryId) && eligibleFor.get(a.entryId)!.has(a.expertId);
    if (a.locked && entryIds.has(a.entryId) && expertById.has(a.expertId)) {
      assign(a.entryId, a.expertId);
      lockedPairs.add(pairKey(a.entryId, a.expertId));
    } else if (valid) {
      assign(a.entryId, a.expertId);
    } else {
      removed.push({ entryId: a.entryId, expertId: a.expertId });
    }
  }

  const byLoadThenId = (a: number, b: number) => load.get(a)! - load.get(b)! || a - b;

  // Drop surplus unlocked reviewers (perEntry lowered), most loaded first.
  for (const entry of entries) {
    const set = reviewers.get(entry.id)!;
    const movable = [...set].filter((x) => !lockedPairs.has(pairKey(entry.id, x))).sort((a, b) => byLoadThenId(b, a));
    while (set.size > options.perEntry && movable.length) {
      const x = movable.shift()!;
      unassign(entry.id, x);
      removed.push({ entryId: entry.id, expertId: x });
    }
  }

  // Fill, most constrained entries first, always with the least-loaded eligible expert.
  const order = [...entries].sort((a, b) => eligibleFor.get(a.id)!.size - eligibleFor.get(b.id)!.size || a.id - b.id);
  for (const entry of order) {
    const set = reviewers.get(entry.id)!;
    const candidates = [...eligibleFor.get(entry.id)!].filter((x) => !set.has(x));
    while (set.size < options.perEntry && candidates.length) {
      candidates.sort(byLoadThenId);
      assign(entry.id, candidates.shift()!);
    }
  }

  rebalance(entries, experts, reviewers, eligibleFor, lockedPairs, load, assign, unassign);

  const before = new Set(current.map((a) => pairKey(a.entryId, a.expertId)));
  const assignments: Pair[] = [];
  const added: Pair[] = [];
  const shortfalls: Shortfall[] = [];
  for (const entry of entries) {
    const set = reviewers.get(entry.id)!;
    for (const expertId of [...set].sort((a, b) => a - b)) {
      assignments.push({ entryId: entry.id, expertId });
      if (!before.has(pairKey(entry.id, expertId))) added.push({ entryId: entry.id, expertId });
    }
    if (set.size < options.perEntry) {
      const eligible = eligibleFor.get(entry.id)!.size;
      shortfalls.push({
        entryId: entry.id,
        assigned: set.size,
        needed: options.perEntry,
        reason: `评审组“${entry.panel}”中可回避冲突的专家只有 ${eligible} 位，少于每件 ${options.perEntry} 位`,
      });
    }
  }
  const finalKeys = new Set(assignments.map((a) => pairKey(a.entryId, a.expertId)));
  return {
    assignments,
    added,
    removed: dedupe(removed).filter((r) => !finalKeys.has(pairKey(r.entryId, r.expertId))),
    shortfalls,
  };
}

/**
 * Moves unlocked reviews from the most to the least loaded expert of a panel until loads differ by at most one,
 * or no move is allowed by the conflict rules.
 */
function rebalance(
  entries: AssignableEntry[],
  experts: AssignableExpert[],
  reviewers: Map<number, Set<number>>,
  eligibleFor: Map<number, Set<number>>,
  lockedPairs: Set<string>,
  load: Map<number, number>,
  assign: (entryId: number, expertId: number) => void,
  unassign: (entryId: number, expertId: number) => void,
): void {
  const panels = new Set(entries.map((e) => e.panel));
  for (const panel of panels) {
    const members = experts.filter((x) => x.panels.includes(panel)).map((x) => x.id);
    const panelEntries = entries.filter((e) => e.panel === panel);
    // Each move lowers the sum of squared loads, so this terminates; the cap is a safety net.
    for (let guard = 0; guard < 100_000; guard++) {
      members.sort((a, b) => load.get(a)! - load.get(b)! || a - b);
      let moved = false;
      outer: for (let hi = members.length - 1; hi > 0; hi--) {
        for (let lo = 0; lo < hi; lo++) {
          const from = members[hi];
          const to = members[lo];
          if (load.get(from)! - load.get(to)! <= 1) break;
          for (const entry of panelEntries) {
            const set = reviewers.get(entry.id)!;
            if (set.has(from) && !set.has(to) && !lockedPairs.has(pairKey(entry.id, from)) && eligibleFor.get(entry.id)!.has(to)) {
              unassign(entry.id, from);
              assign(entry.id, to);
              moved = true;
              break outer;
            }
          }
        }
      }
      if (!moved) break;
    }
  }
}

function dedupe(pairs: Pair[]): Pair[] {
  const seen = new Set<string>();
  return pairs.filter((p) => {
    const k = pairKey(p.entryId, p.expertId);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * One more reviewer for an entry: the least-loaded expert of its panel (lowest id on a tie) who has no conflict
 * with its authors and is not in `exclude`; null when nobody qualifies.
 */
export function pickExtraReviewer(
  entry: AssignableEntry,
  experts: AssignableExpert[],
  loads: ReadonlyMap<number, number>,
  exclude: ReadonlySet<number>,
  options: ConflictOptions,
): number | null {
  const candidates = experts
    .filter((x) => x.panels.includes(entry.panel) && !exclude.has(x.id) && conflictReason(x, entry.authors, options) === null)
    .sort((a, b) => (loads.get(a.id) ?? 0) - (loads.get(b.id) ?? 0) || a.id - b.id);
  return candidates[0]?.id ?? null;
}
