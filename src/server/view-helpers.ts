import type { EntryStatus, Role } from '../db/schema.ts';
import { ROLE_LABELS } from '../users/accounts.ts';

export const ENTRY_STATUS_LABELS: Record<EntryStatus, string> = {
  submitted: '已提交',
  eligible: '审查通过',
  returned: '已退回',
  disqualified: '不符合要求',
  withdrawn: '已撤回',
};

const JOB_STATUS_LABELS: Record<string, string> = { queued: '排队中', running: '进行中', done: '已完成', failed: '失败' };

/** Formatting helpers every template gets as `it.h`. */
export const viewHelpers = {
  role: (r: Role): string => ROLE_LABELS[r] ?? r,
  entryStatus: (s: string): string => ENTRY_STATUS_LABELS[s as EntryStatus] ?? s,
  jobStatus: (s: string): string => JOB_STATUS_LABELS[s] ?? s,
  /** 1536 → "1.5 KB" */
  size(bytes: number | string | bigint): string {
    let n = Number(bytes);
    const units = ['B', 'KB', 'MB', 'GB'];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) {
      n /= 1024;
      i++;
    }
    return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
  },
  /** ISO timestamp → "2024-05-01 14:03" in China time, whatever the server's zone. */
  time(iso: string | null): string {
    if (!iso) return '';
    const d = new Date(new Date(iso).getTime() + 8 * 3600_000);
    return d.toISOString().slice(0, 16).replace('T', ' ');
  },
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
