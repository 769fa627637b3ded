/**
 * An organizer's decision on one entry, with a required reason (also audited):
 * 'band' puts it in `value` (a band name) or, with null, out of every band; 'quota' sets its
 * recommendation (推优) to `value` 'recommend' or 'withhold'; 'release' lets it through despite
 * missing reviews or a score discrepancy (`value` null).
 */
export type AwardOverrideKind = 'band' | 'quota' | 'release';

/** The organizer puts an entry in a band (or, with null, out of every band); a reason is required. */
export interface BandOverride {
  entryId: string;
  band: string | null;
  reason: string;
}

/** Checks overrides against the entries and band names of one computation; returns them by entry. */
export function indexOverrides(
  overrides: readonly BandOverride[],
  entryIds: ReadonlySet<string>,
  bandNames: readonly string[],
): Map<string, BandOverride> {
  const byEntry = new Map<string, BandOverride>();
  for (const o of overrides) {
    if (!entryIds.has(o.entryId)) throw new Error(`调整奖项有误：作品 ${o.entryId} 不在本组排名之中`);
    if (o.band !== null && !bandNames.includes(o.band)) {
      throw new Error(`调整奖项有误：作品 ${o.entryId} 的目标奖项“${o.band}”不存在（可选：${bandNames.join('、')}）`);
    }
    if (o.reason.trim() === '') throw new Error(`调整奖项有误：调整作品 ${o.entryId} 必须填写理由`);
    if (byEntry.has(o.entryId)) throw new Error(`调整奖项有误：作品 ${o.entryId} 有多条调整`);
    byEntry.set(o.entryId, { ...o, reason: o.reason.trim() });
  }
  return byEntry;
}
