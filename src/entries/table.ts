import type { EntryStatus } from './status.ts';
import { compareText } from '../util/collate.ts';

/**
 * The organizer's table of entries: where each one stands in every stage at a glance (形式审查, 查重, 评审, 评奖),
 * filtered, sorted as people read (titles, categories and units by pinyin) and paged. Pure: the store loads the rows.
 */

export type EntryVerdict = 'pass' | 'warn' | 'fail' | 'unchecked';

export interface EntryTableRow {
  id: number;
  code: string;
  title: string;
  /** null: not matched to any of the contest's categories. */
  categoryId: number | null;
  category: string | null;
  group: string | null;
  /** Distinct units of the authors, in author order, joined by 、. */
  unit: string;
  authors: string[];
  status: EntryStatus;
  /** The latest automatic eligibility check (形式审查). */
  verdict: EntryVerdict;
  /** The highest 重复率 among the entry's documents in the latest scan; null before a scan. */
  rate: number | null;
  /** The document with that rate: its report is one click away. */
  rateFileId: number | null;
  rateFlagged: boolean;
  /** Active assignments, and how many of them are submitted. */
  reviewsAssigned: number;
  reviewsSubmitted: number;
  /** Final score; null until a review is in (or while the entry does not take part in awards). */
  score: number | null;
  /** Final band, '待定' while a 边界并列 is open, null without one. */
  award: string | null;
}

export const SORT_KEYS = ['code', 'title', 'category', 'group', 'unit', 'verdict', 'rate', 'reviews', 'score', 'award'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export const isSortKey = (key: string): key is SortKey => (SORT_KEYS as readonly string[]).includes(key);

/** '' any; 'none' no award; 'any' some award; else a band name. */
export type AwardFilter = string;

export interface EntryTableQuery {
  /** A category id, or 'none' for entries without one. */
  category?: number | 'none';
  group?: string;
  status?: EntryStatus;
  verdict?: EntryVerdict;
  /** Only entries at or above the 重复率 threshold. */
  flagged?: boolean;
  award?: AwardFilter;
  /** In the code, title, an author's name or a unit. */
  q?: string;
  sort: SortKey;
  desc: boolean;
  page: number;
}

export interface EntryTablePage {
  rows: EntryTableRow[];
  total: number;
  page: number;
  pages: number;
  pageSize: number;
}

export const NO_AWARD = 'none';
export const ANY_AWARD = 'any';

function matches(r: EntryTableRow, f: EntryTableQuery): boolean {
  if (f.category === 'none' ? r.categoryId !== null : f.category !== undefined && r.categoryId !== f.category) return false;
  if (f.group && r.group !== f.group) return false;
  if (f.status && r.status !== f.status) return false;
  if (f.verdict && r.verdict !== f.verdict) return false;
  if (f.flagged && !r.rateFlagged) return false;
  if (f.award === NO_AWARD ? r.award !== null : f.award === ANY_AWARD ? r.award === null : f.award && r.award !== f.award) return false;
  const q = f.q?.trim().toLowerCase();
  if (q && ![r.code, r.title, r.unit, ...r.authors].some((text) => text.toLowerCase().includes(q))) return false;
  return true;
}

const VERDICT_ORDER: Record<EntryVerdict, number> = { fail: 0, warn: 1, pass: 2, unchecked: 3 };

/** Missing values (no scan, no score) sort last whichever the direction. */
function byNumber(a: number | null, b: number | null, desc: boolean): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return desc ? b - a : a - b;
}

function byString(a: string | null, b: string | null, desc: boolean): number {
  if (!a || !b) return compareText(a, b);
  return desc ? compareText(b, a) : compareText(a, b);
}

function comparator(sort: SortKey, desc: boolean, bandRank: (band: string | null) => number | null) {
  const primary = (a: EntryTableRow, b: EntryTableRow): number => {
    switch (sort) {
      case 'code':
        return byString(a.code, b.code, desc);
      case 'title':
        return byString(a.title, b.title, desc);
      case 'category':
        return byString(a.category, b.category, desc);
      case 'group':
        return byString(a.group, b.group, desc);
      case 'unit':
        return byString(a.unit, b.unit, desc);
      case 'verdict':
        return byNumber(VERDICT_ORDER[a.verdict], VERDICT_ORDER[b.verdict], desc);
      case 'rate':
        return byNumber(a.rate, b.rate, desc);
      case 'reviews':
        return byNumber(
          a.reviewsAssigned ? a.reviewsSubmitted / a.reviewsAssigned : null,
          b.reviewsAssigned ? b.reviewsSubmitted / b.reviewsAssigned : null,
          desc,
        );
      case 'score':
        return byNumber(a.score, b.score, desc);
      case 'award':
        return byNumber(bandRank(a.award), bandRank(b.award), desc);
    }
  };
  return (a: EntryTableRow, b: EntryTableRow) => primary(a, b) || compareText(a.code, b.code);
}

/**
 * The page of rows the query asks for. `bands` lists the award bands best first (一等奖, 二等奖 …) so that sorting by
 * award follows them, pending ties right after, entries without an award last.
 */
export function entryTablePage(
  rows: readonly EntryTableRow[],
  query: EntryTableQuery,
  bands: readonly string[],
  pageSize = 50,
): EntryTablePage {
  const bandRank = (band: string | null): number | null => {
    if (band === null) return null;
    const i = bands.indexOf(band);
    return i < 0 ? bands.length : i;
  };
  const kept = rows.filter((r) => matches(r, query));
  kept.sort(comparator(query.sort, query.desc, bandRank));
  const pages = Math.max(1, Math.ceil(kept.length / pageSize));
  const page = Math.min(Math.max(1, query.page), pages);
  return { rows: kept.slice((page - 1) * pageSize, page * pageSize), total: kept.length, page, pages, pageSize };
}
