import { buildContestAwards, type ContestAwards } from '../../awards/contest.ts';
import { loadAwardInput } from '../../awards/store/contest.ts';
import { listPublications } from '../../awards/store/publication.ts';
import type { Db } from '../../db/connect.ts';
import { VALID_STATUSES } from '../../entries/status.ts';
import { latestRun } from '../../similarity/store/queries.ts';
import { type ContestFlow, contestFlow, judgingWarning } from '../stages.ts';

/** The contest's way through (概况, `casejury status`), with the awards it was computed from. */
export async function contestStatus(db: Db, contestId: number): Promise<ContestFlow & { awards: ContestAwards }> {
  const input = await loadAwardInput(db, contestId);
  const awards = buildContestAwards(input);
  const count = async (query: Promise<{ n: number | string | bigint } | undefined>) => Number((await query)?.n ?? 0);
  const [files, decided, assignments, submitted, importing, scanning, publications] = await Promise.all([
    count(
      db
        .selectFrom('files as f')
        .innerJoin('entries as e', 'e.id', 'f.entry_id')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('e.contest_id', '=', contestId)
        .executeTakeFirst(),
    ),
    count(
      db
        .selectFrom('eligibility_decisions')
        .select((eb) => eb.fn.count('entry_id').distinct().as('n'))
        .where('contest_id', '=', contestId)
        .executeTakeFirst(),
    ),
    count(
      db
        .selectFrom('assignments')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('contest_id', '=', contestId)
        .where('status', '=', 'active')
        .executeTakeFirst(),
    ),
    count(
      db
        .selectFrom('reviews')
        .innerJoin('assignments', 'assignments.id', 'reviews.assignment_id')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('reviews.contest_id', '=', contestId)
        .where('reviews.status', '=', 'submitted')
        .where('assignments.status', '=', 'active')
        .executeTakeFirst(),
    ),
    count(
      db
        .selectFrom('import_batches')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('contest_id', '=', contestId)
        .where('status', '=', 'running')
        .executeTakeFirst(),
    ),
    count(
      db
        .selectFrom('similarity_runs')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('contest_id', '=', contestId)
        .where('status', '=', 'running')
        .executeTakeFirst(),
    ),
    listPublications(db, contestId),
  ]);
  const valid = new Set<string>(VALID_STATUSES);
  const gateEntries = input.gates.entries.filter((e) => valid.has(e.status));
  const undecided = gateEntries.filter((e) => e.status !== 'eligible');
  const verdicts = (v: string) => gateEntries.filter((e) => e.eligibility?.verdict === v).length;
  const groupEntries = awards.groups.flatMap((g) => g.entries);
  const flow = contestFlow({
    entries: { total: input.entries.length, valid: gateEntries.length, files },
    importRunning: importing > 0,
    eligibility: {
      checked: input.gates.entries.filter((e) => e.eligibility).length,
      pass: verdicts('pass'),
      warn: verdicts('warn'),
      fail: verdicts('fail'),
      decided,
      unchecked: undecided.filter((e) => !e.eligibility).length,
      openChecks: undecided.filter((e) => e.openChecks.length).length,
    },
    similarity: {
      scanVersion: input.gates.scan?.version ?? null,
      scanRunning: scanning > 0,
      flagged: gateEntries.filter((e) => e.rate !== null && e.rate >= input.gates.threshold).length,
      suspects: input.gates.suspects.length,
      suspectsOpen: input.gates.suspects.filter((s) => !s.decided).length,
    },
    judging: { assignments, submitted, entriesMissing: groupEntries.filter((e) => e.missingReviews > 0).length },
    blockers: awards.blockers,
    awards: { banded: groupEntries.filter((e) => e.band !== null).length, canFinalize: awards.canFinalize },
    publication: { versions: publications.length, latestAt: publications.at(-1)?.publishedAt ?? null },
  });
  return { ...flow, awards };
}

/** What assigning experts now would skip (entries not through 形式审查, no scan yet), for the 评审分配 page. */
export async function judgingSkips(db: Db, contestId: number): Promise<string | null> {
  const [unchecked, run] = await Promise.all([
    db
      .selectFrom('entries as e')
      .leftJoin('eligibility_results as r', 'r.entry_id', 'e.id')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('e.contest_id', '=', contestId)
      .where('e.status', '=', 'submitted')
      .where('r.id', 'is', null)
      .executeTakeFirst(),
    latestRun(db, contestId),
  ]);
  return judgingWarning(Number(unchecked?.n ?? 0), run?.version ?? null);
}
