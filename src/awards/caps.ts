import { Decimal } from 'decimal.js';

/** One award band of a rule set: its name and its share of the valid entries (0.1 = 10%). */
export interface BandSpec {
  name: string;
  ratio: number;
}

export interface BandOptions {
  /**
   * Both apply to cumulative shares (first, first+second, …), so rounding never adds up across bands:
   * 'cumulative-floor' = ⌊N·(p₁+…+pᵢ)⌋ (default), 'cumulative-half-up' = N·(p₁+…+pᵢ) rounded half-up.
   */
  rounding: 'cumulative-floor' | 'cumulative-half-up';
  /**
   * A non-empty category gets at least one seat in the first band. The extra seat counts towards the
   * cumulative totals (later cumulative caps are raised to at least 1), so it never adds an award
   * beyond the ones the ratios already give, except that first seat itself.
   */
  atLeastOneFirst: boolean;
  /** What the denominator counts, for the derivation text (default 有效作品). */
  denominatorLabel?: string;
}

export const DEFAULT_BAND_OPTIONS: BandOptions = { rounding: 'cumulative-floor', atLeastOneFirst: false };

export interface BandCap {
  band: string;
  ratio: number;
  /** Seats of bands 1…i together. */
  cumulative: number;
  /** Seats of this band: cumulative minus the previous cumulative. */
  cap: number;
  /** Chinese, e.g. "一、二等奖合计 ⌊47×30%⌋=⌊14.1⌋=14". */
  derivation: string;
}

function percent(ratio: Decimal): string {
  return `${ratio.times(100).toString()}%`;
}

/** "一等奖", "一、二等奖", "一、二、三等奖": names joined, their common suffix written once. */
function joinNames(names: readonly string[]): string {
  if (names.length === 1) return names[0];
  const shortest = Math.min(...names.map((n) => n.length));
  let suffix = 0;
  while (suffix < shortest - 1 && names.every((n) => n.at(-suffix - 1) === names[0].at(-suffix - 1))) suffix++;
  const common = suffix > 0 ? names[0].slice(-suffix) : '';
  return names.map((n) => n.slice(0, n.length - suffix)).join('、') + common;
}

function validate(valid: number, bands: readonly BandSpec[]): void {
  if (!Number.isInteger(valid) || valid < 0) throw new Error(`奖项设置有误：有效作品数 ${valid} 不是非负整数`);
  if (bands.length === 0) throw new Error('奖项设置有误：未设置任何奖项');
  const seen = new Set<string>();
  for (const b of bands) {
    if (b.name.trim() === '') throw new Error('奖项设置有误：奖项名称为空');
    if (seen.has(b.name)) throw new Error(`奖项设置有误：奖项“${b.name}”重复`);
    seen.add(b.name);
    if (!Number.isFinite(b.ratio) || b.ratio < 0 || b.ratio > 1) {
      throw new Error(`奖项设置有误：“${b.name}”的比例 ${b.ratio} 应在 0 到 1 之间`);
    }
  }
  const total = bands.reduce((sum, b) => sum.plus(b.ratio), new Decimal(0));
  if (total.greaterThan(1)) throw new Error(`奖项设置有误：各奖项比例合计 ${percent(total)}，超过 100%`);
}

/**
 * Seats per band for `valid` entries. Ratios go through their decimal string (0.1 → "0.1"), so
 * 47×30% is exactly 14.1 and never 14.099999….
 */
export function bandCaps(valid: number, bands: readonly BandSpec[], options: BandOptions): { caps: BandCap[]; derivation: string } {
  validate(valid, bands);
  const names = bands.map((b) => b.name);
  let share = new Decimal(0);
  let previous = 0;
  const caps = bands.map((band, i): BandCap => {
    share = share.plus(band.ratio);
    const product = share.times(valid);
    const label = i === 0 ? names[0] : `${joinNames(names.slice(0, i + 1))}合计`;
    let cumulative: number;
    let text: string;
    if (options.rounding === 'cumulative-floor') {
      cumulative = product.floor().toNumber();
      const middle = product.isInteger() ? '' : `=⌊${product.toString()}⌋`;
      text = `${label} ⌊${valid}×${percent(share)}⌋${middle}=${cumulative}`;
    } else {
      cumulative = product.toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber();
      const rounded = product.isInteger() ? '' : `，四舍五入得 ${cumulative}`;
      text = `${label} ${valid}×${percent(share)}=${product.toString()}${rounded}`;
    }
    if (i === 0 && options.atLeastOneFirst && valid > 0 && cumulative < 1) {
      cumulative = 1;
      text += `，按非空类别至少一个${names[0]}取 1`;
    } else if (cumulative < previous) {
      cumulative = previous;
      text += `，不少于前项合计，取 ${previous}`;
    }
    const cap = cumulative - previous;
    previous = cumulative;
    return { band: band.name, ratio: band.ratio, cumulative, cap, derivation: text };
  });
  const summary = caps.map((c) => `${c.band} ${c.cap}`).join('、');
  return {
    caps,
    derivation: `${options.denominatorLabel ?? '有效作品'} ${valid} 件：${caps.map((c) => c.derivation).join('；')}。各奖项名额：${summary}`,
  };
}
