/** An entry to rank: its final score and the tie-break chain (criterion values in rule order). */
export interface RankedEntry {
  id: string;
  score: number;
  tieBreak: readonly number[];
}

/** Entries that remain equal on score and on every tie-break value. */
export interface TieGroup<E extends RankedEntry = RankedEntry> {
  /** 0-based position of the group's first entry in the ranking. */
  start: number;
  entries: E[];
}

/** Higher score first, then higher values along the tie-break chain; 0 means fully tied. */
function compareRank(a: RankedEntry, b: RankedEntry): number {
  if (a.score !== b.score) return b.score - a.score;
  for (let i = 0; i < a.tieBreak.length; i++) {
    if (a.tieBreak[i] !== b.tieBreak[i]) return b.tieBreak[i] - a.tieBreak[i];
  }
  return 0;
}

function validate(entries: readonly RankedEntry[]): void {
  const seen = new Set<string>();
  const chainLength = entries[0]?.tieBreak.length ?? 0;
  for (const e of entries) {
    if (seen.has(e.id)) throw new Error(`排名数据有误：作品 ${e.id} 重复出现`);
    seen.add(e.id);
    if (!Number.isFinite(e.score)) throw new Error(`排名数据有误：作品 ${e.id} 的最终得分不是有效数字`);
    if (e.tieBreak.length !== chainLength || !e.tieBreak.every(Number.isFinite)) {
      throw new Error(`排名数据有误：作品 ${e.id} 的并列排序依据（评分项得分）缺失或无效`);
    }
  }
}

/**
 * Ranks entries into groups of full ties, best first. Inside a group entries are ordered by id
 * (code point order) only so the output does not depend on input order; that order means nothing.
 */
export function rankEntries<E extends RankedEntry>(entries: readonly E[]): TieGroup<E>[] {
  validate(entries);
  const sorted = [...entries].sort((a, b) => compareRank(a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const groups: TieGroup<E>[] = [];
  sorted.forEach((entry, position) => {
    const last = groups[groups.length - 1];
    if (last && compareRank(last.entries[0], entry) === 0) last.entries.push(entry);
    else groups.push({ start: position, entries: [entry] });
  });
  return groups;
}
