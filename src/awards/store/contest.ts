import { contestAuthors } from '../../contests/authors.ts';
import { contestCategories, contestRuleSet, currentRuleVersion, getContest } from '../../contests/index.ts';
import type { Db } from '../../db/connect.ts';
import { type AwardInput, buildContestAwards, type ContestAwards } from '../contest.ts';
import { reviewScores } from '../../db/columns.ts';
import { loadGateInput } from '../../flow/store/gates.ts';

/** Loads what the pure award computation reads from the database. */
export async function loadAwardInput(db: Db, contestId: number): Promise<AwardInput> {
  const contest = await getContest(db, contestId);
  if (!contest) throw new Error(`找不到编号为 ${contestId} 的竞赛`);
  const ruleSet = await contestRuleSet(db, contestId);
  const categories = await contestCategories(db, contestId);
  const entries = await db
    .selectFrom('entries')
    .select(['id', 'code', 'title', 'category_id', 'group_name', 'status'])
    .where('contest_id', '=', contestId)
    // Only entries the contest took in: held (逾期, over a quota) and refused ones are neither ranked nor counted.
    .where('intake', '=', 'admitted')
    .orderBy('code')
    .execute();
  const authors = await contestAuthors(db, contestId);
  const reviews = await db
    .selectFrom('reviews')
    .innerJoin('assignments', 'assignments.id', 'reviews.assignment_id')
    .innerJoin('users', 'users.id', 'reviews.expert_id')
    .select(['reviews.entry_id', 'reviews.expert_id', 'users.display_name', 'reviews.scores_json', 'reviews.comment'])
    .where('reviews.contest_id', '=', contestId)
    .where('reviews.status', '=', 'submitted')
    .where('assignments.status', '=', 'active')
    .orderBy('reviews.id')
    .execute();
  const panels = await db
    .selectFrom('panels')
    .select(['id', 'name', 'category_id', 'group_name'])
    .where('contest_id', '=', contestId)
    .orderBy('id')
    .execute();
  const overrides = await db
    .selectFrom('award_overrides')
    .select(['entry_id', 'kind', 'value', 'reason'])
    .where('contest_id', '=', contestId)
    .orderBy('id')
    .execute();
  return {
    contest: { id: contest.id, name: contest.name, rulesSource: contest.rules_source },
    ruleSet,
    ruleVersion: await currentRuleVersion(db, contestId),
    categories: categories.map((c) => ({ id: c.id, key: c.key, name: c.name })),
    entries: entries.map((e) => ({
      id: e.id,
      code: e.code,
      title: e.title,
      categoryId: e.category_id,
      group: e.group_name,
      status: e.status,
    })),
    authors: authors.map((a) => ({ entryId: a.entry_id, name: a.name, unit: a.unit, county: a.county })),
    reviews: reviews.map((r) => ({
      entryId: r.entry_id,
      expertId: r.expert_id,
      expert: r.display_name,
      scores: reviewScores.read(r.scores_json),
      comment: r.comment,
    })),
    panels: panels.map((p) => ({ id: p.id, name: p.name, categoryId: p.category_id, group: p.group_name })),
    overrides: overrides.map((o) => ({ entryId: o.entry_id, kind: o.kind, value: o.value, reason: o.reason })),
    gates: await loadGateInput(db, contestId, ruleSet),
  };
}

/** The contest's awards as they stand now (live computation). */
export async function contestAwards(db: Db, contestId: number): Promise<ContestAwards> {
  return buildContestAwards(await loadAwardInput(db, contestId));
}
