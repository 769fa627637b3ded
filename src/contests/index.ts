import type { Db } from '../db/connect.ts';
import { nowIso } from '../db/connect.ts';
import type { Category, Contest } from '../db/schema.ts';
import { audit } from '../audit/log.ts';
import { requireRuleSet } from '../rules/load.ts';
import { type RuleSet, ruleSetTitle } from '../rules/schema.ts';
import { CappedMap } from '../util/capped-map.ts';

export interface CreateContestInput {
  /** Defaults to the rule set's contest name. */
  name?: string;
  rulesYaml: string;
  /** File name the YAML came from, e.g. `2024-platform-cases-teacher-training.yaml`. */
  rulesSource: string;
  userId: number | null;
}

export interface ContestSummary {
  id: number;
  name: string;
  rules_source: string;
  /** The rule set's title (what pages show; the file name is never shown). */
  rulesTitle: string;
  blind: number;
  created_at: string;
  categories: number;
  entries: number;
}

const categoryRows = (contestId: number, ruleSet: RuleSet) =>
  ruleSet.categories.map((c, i) => ({ contest_id: contestId, key: c.key, name: c.name, sort_order: i }));

/** Validates the rule set, then stores the contest, its own copy of the YAML and its categories in one transaction. */
export async function createContest(db: Db, input: CreateContestInput): Promise<number> {
  const ruleSet = requireRuleSet(input.rulesYaml, input.rulesSource);
  const name = input.name?.trim() || ruleSet.contest.name;
  return db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto('contests')
      .values({
        name,
        rules_yaml: input.rulesYaml,
        rules_source: input.rulesSource,
        blind: ruleSet.blind ? 1 : 0,
        created_by: input.userId,
        created_at: nowIso(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx.insertInto('categories').values(categoryRows(id, ruleSet)).execute();
    // An organizer who creates a contest works on it; an administrator's contest gets its organizers added.
    const creatorId = input.userId;
    const creator =
      creatorId === null ? undefined : await trx.selectFrom('users').select('role').where('id', '=', creatorId).executeTakeFirst();
    if (creatorId !== null && creator?.role === 'organizer') {
      await trx
        .insertInto('contest_members')
        .values({ contest_id: id, user_id: creatorId, role: 'organizer', created_at: nowIso(), created_by: creatorId })
        .execute();
    }
    await trx
      .insertInto('rule_versions')
      .values({ contest_id: id, version: 1, yaml: input.rulesYaml, reason: null, user_id: input.userId, created_at: nowIso() })
      .execute();
    await audit(trx, {
      userId: input.userId,
      contestId: id,
      action: 'contest.create',
      subjectType: 'contest',
      subjectId: id,
      newValue: { name, rulesSource: input.rulesSource, categories: ruleSet.categories.map((c) => c.key) },
    });
    return id;
  });
}

/** Every contest (or only those `memberId` is a member of), oldest first, with how many categories and entries it has. */
export async function listContests(db: Db, memberId?: number): Promise<ContestSummary[]> {
  let query = db.selectFrom('contests as c').select(['c.id', 'c.name', 'c.rules_source', 'c.rules_yaml', 'c.blind', 'c.created_at']);
  if (memberId !== undefined) {
    query = query.where('c.id', 'in', (eb) => eb.selectFrom('contest_members').select('contest_id').where('user_id', '=', memberId));
  }
  const rows = await query
    .select((eb) => [
      eb.selectFrom('categories').select(eb.fn.countAll().as('n')).whereRef('categories.contest_id', '=', 'c.id').as('categories'),
      eb.selectFrom('entries').select(eb.fn.countAll().as('n')).whereRef('entries.contest_id', '=', 'c.id').as('entries'),
    ])
    .orderBy('c.id')
    .execute();
  return rows.map(({ rules_yaml, ...r }) => ({
    ...r,
    rulesTitle: ruleSetTitle(ruleSetOf({ rules_yaml, rules_source: r.rules_source })),
    categories: Number(r.categories),
    entries: Number(r.entries),
  }));
}

export async function getContest(db: Db, id: number): Promise<Contest | undefined> {
  return db.selectFrom('contests').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The contest's categories in rule-set order. */
export async function contestCategories(db: Db, contestId: number): Promise<Category[]> {
  return db.selectFrom('categories').selectAll().where('contest_id', '=', contestId).orderBy('sort_order').execute();
}

async function requireContestRow(db: Db, id: number): Promise<Contest> {
  const contest = await getContest(db, id);
  if (!contest) throw new Error(`找不到编号为 ${id} 的竞赛`);
  return contest;
}

/** The rule set parsed from the contest's own stored copy. */
export async function contestRuleSet(db: Db, id: number): Promise<RuleSet> {
  return ruleSetOf(await requireContestRow(db, id));
}

// Parsing and validating a rule set costs milliseconds, and every draft save needs its rubric. Keyed by the
// contest's own YAML text, so an edited rule set is parsed afresh and the old entry just ages out.
// Callers share the cached object: it is read, never changed.
const parsedRuleSets = new CappedMap<string, RuleSet>(32);

/** A contest row's rule set, parsed once per version of its text. */
export function ruleSetOf(contest: Pick<Contest, 'rules_yaml' | 'rules_source'>): RuleSet {
  let ruleSet = parsedRuleSets.get(contest.rules_yaml);
  if (!ruleSet) {
    ruleSet = requireRuleSet(contest.rules_yaml, contest.rules_source);
    parsedRuleSets.set(contest.rules_yaml, ruleSet);
  }
  return ruleSet;
}

export interface RuleVersion {
  version: number;
  yaml: string;
  reason: string | null;
  by: string | null;
  createdAt: string;
}

/** Every saved version of the contest's rule set, oldest first. */
export async function listRuleVersions(db: Db, contestId: number): Promise<RuleVersion[]> {
  const rows = await db
    .selectFrom('rule_versions as v')
    .leftJoin('users as u', 'u.id', 'v.user_id')
    .select(['v.version', 'v.yaml', 'v.reason', 'v.created_at', 'u.display_name'])
    .where('v.contest_id', '=', contestId)
    .orderBy('v.version')
    .execute();
  return rows.map((r) => ({ version: r.version, yaml: r.yaml, reason: r.reason, by: r.display_name, createdAt: r.created_at }));
}

/** The number of the contest's current rule-set version (1 for a contest never edited). */
export async function currentRuleVersion(db: Db, contestId: number): Promise<number> {
  const row = await db
    .selectFrom('rule_versions')
    .select((eb) => eb.fn.max('version').as('v'))
    .where('contest_id', '=', contestId)
    .executeTakeFirst();
  return Number(row?.v ?? 1);
}

/**
 * Saves a new version of the contest's rule set (a reason is required) and makes it the current one:
 * validated first (a RuleSetInvalidError lists every error by line and field); categories matched by key —
 * renamed and reordered in place, new ones added, dropped ones deleted only when no entry uses them
 * (otherwise nothing changes). Stored, versioned and audited with the diff's both sides in one transaction.
 * Returns the new version's number.
 */
export async function updateContestRules(db: Db, id: number, rulesYaml: string, userId: number | null, reason: string): Promise<number> {
  const why = reason.trim();
  if (!why) throw new Error('请填写修改理由');
  return db.transaction().execute(async (trx) => {
    const contest = await requireContestRow(trx, id);
    const ruleSet = requireRuleSet(rulesYaml, ruleSetTitle(ruleSetOf(contest)));
    if (rulesYaml === contest.rules_yaml) throw new Error('规则没有改动');
    const existing = await trx.selectFrom('categories').select(['id', 'key', 'name']).where('contest_id', '=', id).execute();
    const wanted = new Set(ruleSet.categories.map((c) => c.key));
    const dropped = existing.filter((c) => !wanted.has(c.key));
    if (dropped.length) {
      const used = await trx
        .selectFrom('entries')
        .select(['category_id', (eb) => eb.fn.countAll().as('n')])
        .where(
          'category_id',
          'in',
          dropped.map((c) => c.id),
        )
        .groupBy('category_id')
        .execute();
      if (used.length) {
        const entriesOf = new Map(used.map((u) => [u.category_id, Number(u.n)]));
        const names = dropped.flatMap((c) => {
          const n = entriesOf.get(c.id);
          return n ? [`“${c.name}”（${c.key}，${n} 件作品）`] : [];
        });
        throw new Error(`新规则删去了已有作品的类别 ${names.join('、')}；请先把这些作品改到其他类别，或在规则中保留这些类别`);
      }
      await trx
        .deleteFrom('categories')
        .where(
          'id',
          'in',
          dropped.map((c) => c.id),
        )
        .execute();
    }
    for (const row of categoryRows(id, ruleSet)) {
      const old = existing.find((c) => c.key === row.key);
      if (old) await trx.updateTable('categories').set({ name: row.name, sort_order: row.sort_order }).where('id', '=', old.id).execute();
      else await trx.insertInto('categories').values(row).execute();
    }
    await trx
      .updateTable('contests')
      .set({ rules_yaml: rulesYaml, blind: ruleSet.blind ? 1 : 0 })
      .where('id', '=', id)
      .execute();
    const version = (await currentRuleVersion(trx, id)) + 1;
    await trx
      .insertInto('rule_versions')
      .values({ contest_id: id, version, yaml: rulesYaml, reason: why, user_id: userId, created_at: nowIso() })
      .execute();
    await audit(trx, {
      userId,
      contestId: id,
      action: 'contest.rules.update',
      subjectType: 'contest',
      subjectId: id,
      oldValue: contest.rules_yaml,
      newValue: { version, yaml: rulesYaml },
      reason: why,
    });
    return version;
  });
}
