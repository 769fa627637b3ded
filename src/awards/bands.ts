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
