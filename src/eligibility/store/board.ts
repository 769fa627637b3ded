import { authorsByEntry, authorsOfEntries } from '../../contests/authors.ts';
import type { Db } from '../../db/connect.ts';
import { categoryOf, entriesWithCategory } from '../../entries/store/entries.ts';
import type { EntryStatus } from '../../db/schema.ts';
import { ENTRY_STATUSES } from '../../entries/status.ts';
import { decisionOf, type EligibilityDecision } from './decisions.ts';
import { type CheckResult, type CheckStatus, STATUS_LABELS } from '../types.ts';
import { eligibilityChecks } from '../../db/columns.ts';

/** An entry's check outcome: its worst check, or 'unchecked' before the first run. */
export type Verdict = CheckStatus | 'unchecked';
export const VERDICT_LABELS: Record<Verdict, string> = { ...STATUS_LABELS, unchecked: '未检查' };

export interface BoardFilter {
  /** Category key; '' for entries not yet assigned to a category. */
  category?: string;
  status?: EntryStatus;
  verdict?: Verdict;
  /** A check id (or its name before `:`, e.g. `words`): entries where it warns or fails. */
  check?: string;
  /** Text in the code, title or an author's name or unit. */
  q?: string;
}

export interface DecisionInfo {
  decision: EligibilityDecision;
  status: EntryStatus;
  reason: string;
  userId: number | null;
  userName: string | null;
  at: string;
}

export interface EntryChecklist {
  id: number;
  code: string;
  title: string;
  category: { key: string; name: string } | null;
  group: string | null;
  status: EntryStatus;
  statusLabel: string;
  authors: { name: string; unit: string | null }[];
  verdict: Verdict;
  checks: CheckResult[];
  checkedAt: string | null;
  /** The decision in force, if any. */
  decision: DecisionInfo | null;
  /** Returned for revision, then imported again after the decision: ready to be checked and decided again. */
  resubmitted: boolean;
}

export interface Counts {
  total: number;
  byStatus: Record<EntryStatus, number>;
  byVerdict: Record<Verdict, number>;
}

export interface EligibilityBoard {
  /** Over the whole contest, whatever the filter. */
  counts: Counts & { byCategory: ({ key: string; name: string } & Counts)[] };
  /** The entries the filter selects, in code order. */
  entries: EntryChecklist[];
  /** Every check id found in the contest's results, in the order the checks run (columns of a table). */
  checkIds: string[];
  lastCheckedAt: string | null;
}

const emptyCounts = (): Counts => ({
  total: 0,
  byStatus: Object.fromEntries(Object.keys(ENTRY_STATUSES).map((s) => [s, 0])) as Record<EntryStatus, number>,
  byVerdict: { fail: 0, warn: 0, pass: 0, unchecked: 0 },
});

const addTo = (c: Counts, e: EntryChecklist) => {
  c.total++;
  c.byStatus[e.status]++;
  c.byVerdict[e.verdict]++;
};

/** Every entry of the contest with its checklist and the decision in force. */
async function loadChecklists(db: Db, contestId: number, entryId?: number): Promise<EntryChecklist[]> {
  let query = entriesWithCategory(db, contestId)
    .leftJoin('eligibility_results as r', 'r.entry_id', 'e.id')
    .select(['e.updated_at', 'r.checks_json', 'r.verdict', 'r.checked_at']);
  if (entryId !== undefined) query = query.where('e.id', '=', entryId);
  const rows = await query.orderBy('e.code').execute();

  const authors = entryId === undefined ? await authorsByEntry(db, contestId) : await authorsOfEntries(db, [entryId]);

  const decisions = await latestDecisions(db, contestId, entryId);
  return rows.map((r) => {
    const decision = decisions.get(r.id) ?? null;
    return {
      id: r.id,
      code: r.code,
      title: r.title,
      category: categoryOf(r),
      group: r.group_name,
      status: r.status,
      statusLabel: ENTRY_STATUSES[r.status],
      authors: (authors.get(r.id) ?? []).map((a) => ({ name: a.name, unit: a.unit })),
      verdict: r.verdict ?? 'unchecked',
      checks: r.checks_json ? eligibilityChecks.read(r.checks_json) : [],
      checkedAt: r.checked_at,
      decision,
      resubmitted: r.status === 'returned' && decision !== null && r.updated_at > decision.at,
    };
  });
}

/** Decisions of the contest (or one entry), newest first. */
async function decisionRows(db: Db, contestId: number, entryId?: number) {
  let query = db
    .selectFrom('eligibility_decisions as d')
    .leftJoin('users as u', 'u.id', 'd.user_id')
    .select(['d.id', 'd.entry_id', 'd.status', 'd.reason', 'd.user_id', 'd.created_at', 'u.display_name'])
    .where('d.contest_id', '=', contestId);
  if (entryId !== undefined) query = query.where('d.entry_id', '=', entryId);
  const rows = await query.orderBy('d.id', 'desc').execute();
  return rows.map((r) => {
    const decision = decisionOf(r.status);
    if (!decision) throw new Error(`Eligibility decision ${r.id} stored status "${r.status}", which no decision sets`);
    return {
      entryId: r.entry_id,
      info: {
        decision,
        status: r.status,
        reason: r.reason,
        userId: r.user_id,
        userName: r.display_name,
        at: r.created_at,
      } satisfies DecisionInfo,
    };
  });
}

async function latestDecisions(db: Db, contestId: number, entryId?: number): Promise<Map<number, DecisionInfo>> {
  const latest = new Map<number, DecisionInfo>();
  for (const d of await decisionRows(db, contestId, entryId)) if (!latest.has(d.entryId)) latest.set(d.entryId, d.info);
  return latest;
}

function matches(e: EntryChecklist, f: BoardFilter): boolean {
  if (f.category !== undefined && (e.category?.key ?? '') !== f.category) return false;
  if (f.status && e.status !== f.status) return false;
  if (f.verdict && e.verdict !== f.verdict) return false;
  if (f.check && !e.checks.some((c) => c.status !== 'pass' && (c.id === f.check || c.id.split(':')[0] === f.check))) return false;
  const q = f.q?.trim().toLowerCase();
  if (q && ![e.code, e.title, ...e.authors.flatMap((a) => [a.name, a.unit ?? ''])].some((s) => s.toLowerCase().includes(q))) return false;
  return true;
}

/**
 * The eligibility board of a contest: counts by status, check verdict and category over all
 * entries, and the entries the filter selects with their checklists and decisions.
 */
export async function eligibilityBoard(db: Db, contestId: number, filter: BoardFilter = {}): Promise<EligibilityBoard> {
  const all = await loadChecklists(db, contestId);
  const counts = { ...emptyCounts(), byCategory: [] as ({ key: string; name: string } & Counts)[] };
  const categories = await db
    .selectFrom('categories')
    .select(['key', 'name'])
    .where('contest_id', '=', contestId)
    .orderBy('sort_order')
    .execute();
  const perCategory = new Map(categories.map((c) => [c.key, { ...c, ...emptyCounts() }]));
  const checkIds: string[] = [];
  let lastCheckedAt: string | null = null;
  for (const e of all) {
    addTo(counts, e);
    const key = e.category?.key ?? '';
    let bucket = perCategory.get(key);
    if (!bucket) {
      bucket = { key, name: '未归类', ...emptyCounts() };
      perCategory.set(key, bucket);
    }
    addTo(bucket, e);
    // A check first seen here goes right after the check it follows in this entry, so 信息表's columns stay together.
    e.checks.forEach((c, i) => {
      if (!checkIds.includes(c.id)) checkIds.splice(i === 0 ? 0 : checkIds.indexOf(e.checks[i - 1].id) + 1, 0, c.id);
    });
    if (e.checkedAt && (!lastCheckedAt || e.checkedAt > lastCheckedAt)) lastCheckedAt = e.checkedAt;
  }
  counts.byCategory = [...perCategory.values()];
  return { counts, entries: all.filter((e) => matches(e, filter)), checkIds, lastCheckedAt };
}

/** Ids of the entries a filter selects, for a bulk decision on what the board shows. */
export async function filteredEntryIds(db: Db, contestId: number, filter: BoardFilter): Promise<number[]> {
  return (await eligibilityBoard(db, contestId, filter)).entries.map((e) => e.id);
}

/** One entry's checklist with every decision taken on it, newest first. Null when it is not in the contest. */
export async function entryChecklist(
  db: Db,
  contestId: number,
  entryId: number,
): Promise<(EntryChecklist & { history: DecisionInfo[] }) | null> {
  const [entry] = await loadChecklists(db, contestId, entryId);
  if (!entry) return null;
  return { ...entry, history: (await decisionRows(db, contestId, entryId)).map((d) => d.info) };
}
