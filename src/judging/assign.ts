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

/** An entry during planning: who may review it and who does. */
interface Slot {
  entry: AssignableEntry;
  eligible: Set<number>;
  reviewers: Set<number>;
}

/** Experts' review counts while planning. */
class Loads {
  private readonly counts = new Map<number, number>();
  of = (expertId: number): number => this.counts.get(expertId) ?? 0;
  change(expertId: number, by: number): void {
    this.counts.set(expertId, this.of(expertId) + by);
  }
  /** Least loaded first, lowest id on a tie. */
  byLoadThenId = (a: number, b: number): number => this.of(a) - this.of(b) || a - b;
}

export function planAssignments(
  entries: AssignableEntry[],
  experts: AssignableExpert[],
  current: CurrentAssignment[],
  options: AssignOptions,
): AssignmentPlan {
  const expertById = new Map(experts.map((x) => [x.id, x]));
  const declined = new Set((options.declined ?? []).map((d) => pairKey(d.entryId, d.expertId)));

  const slots = entries.map((entry): Slot => {
    const eligible = new Set<number>();
    for (const x of experts) {
      if (!x.panels.includes(entry.panel) || declined.has(pairKey(entry.id, x.id))) continue;
      if (conflictReason(x, entry.authors, options) === null) eligible.add(x.id);
    }
    return { entry, eligible, reviewers: new Set<number>() };
  });
  const slotOf = new Map(slots.map((s) => [s.entry.id, s]));

  const lockedPairs = new Set<string>();
  const loads = new Loads();
  const removed: Pair[] = [];
  const assign = (slot: Slot, expertId: number) => {
    slot.reviewers.add(expertId);
    loads.change(expertId, +1);
  };
  const unassign = (slot: Slot, expertId: number) => {
    slot.reviewers.delete(expertId);
    loads.change(expertId, -1);
  };

  // Keep what still holds; locked work is kept even when it no longer fits (a person decides).
  for (const a of current) {
    const slot = slotOf.get(a.entryId);
    if (slot && a.locked && expertById.has(a.expertId)) {
      assign(slot, a.expertId);
      lockedPairs.add(pairKey(a.entryId, a.expertId));
    } else if (slot?.eligible.has(a.expertId)) {
      assign(slot, a.expertId);
    } else {
      removed.push({ entryId: a.entryId, expertId: a.expertId });
    }
  }

  // Drop surplus unlocked reviewers (perEntry lowered), most loaded first.
  for (const slot of slots) {
    const movable = [...slot.reviewers].filter((x) => !lockedPairs.has(pairKey(slot.entry.id, x))).sort((a, b) => loads.byLoadThenId(b, a));
    for (const x of movable) {
      if (slot.reviewers.size <= options.perEntry) break;
      unassign(slot, x);
      removed.push({ entryId: slot.entry.id, expertId: x });
    }
  }

  // Fill, most constrained entries first, always with the least-loaded eligible expert.
  const order = [...slots].sort((a, b) => a.eligible.size - b.eligible.size || a.entry.id - b.entry.id);
  for (const slot of order) {
    const candidates = [...slot.eligible].filter((x) => !slot.reviewers.has(x));
    while (slot.reviewers.size < options.perEntry) {
      const next = candidates.sort(loads.byLoadThenId).shift();
      if (next === undefined) break;
      assign(slot, next);
    }
  }

  rebalance(slots, experts, lockedPairs, loads, assign, unassign);

  const before = new Set(current.map((a) => pairKey(a.entryId, a.expertId)));
  const assignments: Pair[] = [];
  const added: Pair[] = [];
  const shortfalls: Shortfall[] = [];
  for (const { entry, eligible, reviewers } of slots) {
    for (const expertId of [...reviewers].sort((a, b) => a - b)) {
      assignments.push({ entryId: entry.id, expertId });
      if (!before.has(pairKey(entry.id, expertId))) added.push({ entryId: entry.id, expertId });
    }
    if (reviewers.size < options.perEntry) {
      shortfalls.push({
        entryId: entry.id,
        assigned: reviewers.size,
        needed: options.perEntry,
        reason: `评审组“${entry.panel}”中可回避冲突的专家只有 ${eligible.size} 位，少于每件 ${options.perEntry} 位`,
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
  slots: Slot[],
  experts: AssignableExpert[],
  lockedPairs: Set<string>,
  loads: Loads,
  assign: (slot: Slot, expertId: number) => void,
  unassign: (slot: Slot, expertId: number) => void,
): void {
  const panels = new Set(slots.map((s) => s.entry.panel));
  for (const panel of panels) {
    const members = experts.filter((x) => x.panels.includes(panel)).map((x) => x.id);
    const panelSlots = slots.filter((s) => s.entry.panel === panel);
    // Each move lowers the sum of squared loads, so this terminates; the cap is a safety net.
    for (let guard = 0; guard < 100_000; guard++) {
      members.sort(loads.byLoadThenId);
      let moved = false;
      outer: for (let hi = members.length - 1; hi > 0; hi--) {
        for (let lo = 0; lo < hi; lo++) {
          const from = members[hi];
          const to = members[lo];
          if (loads.of(from) - loads.of(to) <= 1) break;
          for (const slot of panelSlots) {
            const set = slot.reviewers;
            if (set.has(from) && !set.has(to) && !lockedPairs.has(pairKey(slot.entry.id, from)) && slot.eligible.has(to)) {
              unassign(slot, from);
              assign(slot, to);
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
