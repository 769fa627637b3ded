import type { Db } from '../../db/connect.ts';
import { type EntryChecklist, type Verdict, VERDICT_LABELS } from '../../eligibility/store/board.ts';
import { DECISIONS } from '../../eligibility/store/decisions.ts';
import { checkLabel, type CheckStatus, STATUS_LABELS } from '../../eligibility/types.ts';
import { BOARD_STATUS_LABELS } from './filter.ts';

/** What the templates need besides the data: labels, in one place. */
export const labels = {
  status: BOARD_STATUS_LABELS,
  verdict: VERDICT_LABELS,
  /** A verdict on its own, e.g. on a count tile: 检查不通过 … 未检查. */
  verdictTitle: (v: Verdict): string => (v === 'unchecked' ? VERDICT_LABELS.unchecked : `检查${VERDICT_LABELS[v]}`),
  check: STATUS_LABELS,
  checkName: checkLabel,
  decisions: Object.keys(DECISIONS),
};

/** The uploaded 往届获奖名单, if any: how many works, from which file, when. */
export async function priorAwardsInfo(db: Db, contestId: number): Promise<{ rows: number; source: string; at: string } | null> {
  const row = await db
    .selectFrom('prior_awards')
    .select((eb) => [eb.fn.countAll<number>().as('rows'), eb.fn.max('source').as('source'), eb.fn.max('created_at').as('at')])
    .where('contest_id', '=', contestId)
    .executeTakeFirst();
  // max() is null only over no rows.
  if (!row || Number(row.rows) === 0 || row.source === null || row.at === null) return null;
  return { rows: Number(row.rows), source: row.source, at: row.at };
}

const RANK: Record<CheckStatus, number> = { fail: 0, warn: 1, pass: 2 };

/** An entry's checks with failures first, then warnings, each group in check order. */
export const checksBySeverity = (e: EntryChecklist) => [...e.checks].sort((a, b) => RANK[a.status] - RANK[b.status]);
