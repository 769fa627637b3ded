import { formatRate } from '../similarity/rate-format.ts';
import type { Role } from '../db/schema.ts';
import { ENTRY_STATUSES, type EntryStatus } from '../entries/status.ts';
import { ROLE_LABELS } from '../users/accounts.ts';
import { JOB_STATES, REVIEW_STATES, TERMS } from '../util/terms.ts';
import { shanghaiMinute } from '../util/time.ts';
import { formatBytes } from '../util/bytes.ts';
import { BLOCKER_KINDS, type BlockerKind } from '../flow/gates.ts';

/** Formatting helpers every template gets as `it.h`. */
export const viewHelpers = {
  role: (r: Role): string => ROLE_LABELS[r] ?? r,
  entryStatus: (s: string): string => ENTRY_STATUSES[s as EntryStatus] ?? s,
  jobStatus: (s: string): string => JOB_STATES[s as keyof typeof JOB_STATES] ?? s,
  reviewState: (s: string): string => REVIEW_STATES[s as keyof typeof REVIEW_STATES] ?? s,
  /** The glossary (src/util/terms.ts): `it.h.terms.suspects` and so on. */
  terms: TERMS,
  size: formatBytes,
  /** ISO timestamp → "2024-05-01 14:03" in China time, whatever the server's zone. */
  time: (iso: string | null): string => shanghaiMinute(iso),
  blockerKind: (kind: BlockerKind): string => BLOCKER_KINDS[kind],
  /** 重复率 as people read it (src/similarity/rate-format.ts). */
  rate: formatRate,
  percent: (fraction: number): number => Math.round(Math.max(0, Math.min(1, fraction)) * 100),
  /** `base` with the given query parameters, empty ones dropped. */
  url(base: string, params: Record<string, string | number | null | undefined>): string {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
    const s = q.toString();
    return s ? `${base}?${s}` : base;
  },
};

export type ViewHelpers = typeof viewHelpers;
