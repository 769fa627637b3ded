import { bandCaps, type BandCap, type BandOptions, type BandSpec } from './caps.ts';
import type { BandOverride } from './overrides.ts';
import type { RankedEntry } from './ranking.ts';
import { placeEntries, type Placement } from './seats.ts';

export interface BandResult extends Placement {
  /** The denominator the ratios were applied to. */
  valid: number;
  caps: BandCap[];
  /** Chinese explanation of the caps, ready for the organizer's page. */
  derivation: string;
}

/**
 * Award bands of one category (or group): caps from the ratios, entries ranked by score and the
 * tie-break chain, 边界并列 groups held (see placeEntries), organizer overrides applied on top.
 * `denominator` defaults to the number of ranked entries (the valid entries).
 */
export function computeBands(
  entries: readonly RankedEntry[],
  bands: readonly BandSpec[],
  options: BandOptions,
  overrides: readonly BandOverride[] = [],
  denominator: number = entries.length,
): BandResult {
  const { caps, derivation } = bandCaps(denominator, bands, options);
  const placement = placeEntries(
    entries,
    caps.map((c) => ({ name: c.band, cap: c.cap })),
    overrides,
    '未获奖',
  );
  return { valid: denominator, caps, derivation, ...placement };
}

export interface GroupedEntry extends RankedEntry {
  category: string;
  /** 学段, 基础教育/职业教育 … when the rule set bands per group; null or absent otherwise. */
  group?: string | null;
}

export interface GroupBands {
  category: string;
  group: string | null;
  result: BandResult;
}

/** computeBands for each (category, group), in order of first appearance in `entries`. */
export function computeBandsByGroup(
  entries: readonly GroupedEntry[],
  bands: readonly BandSpec[],
  options: BandOptions,
  overrides: readonly BandOverride[] = [],
): GroupBands[] {
  const groups = new Map<string, { category: string; group: string | null; entries: GroupedEntry[] }>();
  const groupOf = new Map<string, string>();
  for (const e of entries) {
    if (groupOf.has(e.id)) throw new Error(`排名数据有误：作品 ${e.id} 重复出现`);
    const key = JSON.stringify([e.category, e.group ?? null]);
    const g = groups.get(key) ?? { category: e.category, group: e.group ?? null, entries: [] };
    g.entries.push(e);
    groups.set(key, g);
    groupOf.set(e.id, key);
  }
  for (const o of overrides) {
    if (!groupOf.has(o.entryId)) throw new Error(`调整奖项有误：作品 ${o.entryId} 不在本次评奖的作品之中`);
  }
  return [...groups].map(([key, g]) => ({
    category: g.category,
    group: g.group,
    result: computeBands(
      g.entries,
      bands,
      options,
      overrides.filter((o) => groupOf.get(o.entryId) === key),
    ),
  }));
}
