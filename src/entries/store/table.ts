import { sql } from 'kysely';
import { authorsByEntry } from '../../contests/authors.ts';
import type { Db } from '../../db/connect.ts';
import { entriesWithCategory } from './entries.ts';
import { contestAwards } from '../../awards/store/contest.ts';
import { latestRun } from '../../similarity/store/queries.ts';
import type { EntryTableRow } from '../table.ts';
import { scanSettingsSummary } from '../../db/columns.ts';

/** Loads the organizer's entries table: every entry with its verdict, 重复率, reviews, score and award. */

export interface EntryTableData {
  rows: EntryTableRow[];
  /** Award bands, best first, over all categories. */
  bands: string[];
  /** The scan the rates come from. */
  run: { version: number; finishedAt: string | null; threshold: number } | null;
  /** Why scores and awards could not be computed (a rule set that no longer fits the reviews); null when they were. */
  awardsProblem: string | null;
}

export async function loadEntryTable(db: Db, contestId: number): Promise<EntryTableData> {
  const [entries, authorsOf, run, reviews] = await Promise.all([
    entriesWithCategory(db, contestId)
      .leftJoin('eligibility_results as r', 'r.entry_id', 'e.id')
      .select(['e.category_id', 'r.verdict'])
      .execute(),
    authorsByEntry(db, contestId),
    latestRun(db, contestId),
    db
      .selectFrom('assignments as a')
      .leftJoin('reviews as r', 'r.assignment_id', 'a.id')
      .select((eb) => [
        'a.entry_id',
        eb.fn.countAll<number>().as('assigned'),
        eb.fn.sum<number>(sql`case when r.status = 'submitted' then 1 else 0 end`).as('submitted'),
      ])
      .where('a.contest_id', '=', contestId)
      .where('a.status', '=', 'active')
      .groupBy('a.entry_id')
      .execute(),
  ]);

  const rates = new Map<number, { rate: number; fileId: number; flagged: boolean }>();
  if (run) {
    const reports = await db
      .selectFrom('similarity_reports')
      .select(['entry_id', 'file_id', 'rate', 'flagged'])
      .where('run_id', '=', run.id)
      .execute();
    for (const r of reports) {
      const best = rates.get(r.entry_id);
      if (!best || Number(r.rate) > best.rate) rates.set(r.entry_id, { rate: Number(r.rate), fileId: r.file_id, flagged: r.flagged === 1 });
    }
  }

  const reviewsOf = new Map(reviews.map((r) => [r.entry_id, { assigned: Number(r.assigned), submitted: Number(r.submitted ?? 0) }]));

  let awardsProblem: string | null = null;
  const awarded = new Map<number, { score: number | null; award: string | null }>();
  const bands: string[] = [];
  try {
    const awards = await contestAwards(db, contestId);
    for (const c of awards.categories) for (const b of c.bands) if (!bands.includes(b.name)) bands.push(b.name);
    for (const g of awards.groups)
      for (const e of g.entries) awarded.set(e.id, { score: e.score, award: e.band ?? (e.pending ? '待定' : null) });
  } catch (err) {
    awardsProblem = err instanceof Error ? err.message : String(err);
  }

  const rows = entries.map((e): EntryTableRow => {
    const people = authorsOf.get(e.id) ?? [];
    const rate = rates.get(e.id);
    const review = reviewsOf.get(e.id);
    const result = awarded.get(e.id);
    return {
      id: e.id,
      code: e.code,
      title: e.title,
      categoryId: e.category_id,
      category: e.category_name ?? e.category_label,
      group: e.group_name,
      unit: [...new Set(people.map((p) => p.unit).filter((u): u is string => !!u))].join('、'),
      authors: people.map((p) => p.name),
      status: e.status,
      verdict: e.verdict ?? 'unchecked',
      rate: rate?.rate ?? null,
      rateFileId: rate?.fileId ?? null,
      rateFlagged: rate?.flagged ?? false,
      reviewsAssigned: review?.assigned ?? 0,
      reviewsSubmitted: review?.submitted ?? 0,
      score: result?.score ?? null,
      award: result?.award ?? null,
    };
  });
  return {
    rows,
    bands,
    run: run
      ? { version: run.version, finishedAt: run.finished_at, threshold: scanSettingsSummary.read(run.settings_json).threshold }
      : null,
    awardsProblem,
  };
}
