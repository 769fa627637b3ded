import crypto from 'node:crypto';
import type { ContestAwards } from './contest.ts';

/** 公示: frozen, versioned, hashed award lists (what is frozen and how it is hashed; the store keeps them). */

/** What a publication freezes: the list and the scores (the awards), and the contest's own copy of its rule set. */
export interface AwardSnapshot {
  format: 1;
  rules: { source: string; yaml: string };
  awards: ContestAwards;
}

export interface Publication {
  contestId: number;
  version: number;
  publishedAt: string;
  userId: number | null;
  reason: string | null;
  sha256: string;
}

export interface PublishedSnapshot extends Publication {
  snapshot: AwardSnapshot;
  /** The stored text still hashes to the stored sha256. */
  intact: boolean;
}

/**
 * JSON with object keys sorted at every level and no whitespace, so equal content always gives the same
 * text and hash. Undefined object members are dropped as JSON.stringify does; non-finite numbers are refused.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`公示数据有误：数值 ${value} 无法写入`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (typeof value === 'object') {
    const members = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`);
    return `{${members.join(',')}}`;
  }
  throw new Error(`公示数据有误：无法写入 ${typeof value} 类型的值`);
}

export const sha256Hex = (text: string): string => crypto.createHash('sha256').update(text, 'utf8').digest('hex');
