import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../src/db/connect.ts';
import { nowIso } from '../../src/db/connect.ts';
import type { EntryStatus } from '../../src/db/schema.ts';
import { contestRuleSet, createContest } from '../../src/contests/index.ts';
import { reviewScores } from '../../src/db/columns.ts';
import { runContestScan } from '../../src/similarity/store/scan.ts';

/** A contest created from a real rule set in rules/, with entries, authors, experts and their reviews. */

export interface EntrySpec {
  code: string;
  title: string;
  /** Category key of the rule set; defaults to the builder's category. */
  category?: string;
  group?: string | null;
  status?: EntryStatus;
  authors?: { name: string; unit: string | null; county: string | null }[];
  /** One list of criterion scores (rubric order) per expert, expert i scoring review i. */
  reviews: number[][];
  /** Reviews (by index) left as drafts instead of submitted. */
  drafts?: number[];
}

export interface BuiltContest {
  contestId: number;
  /** Entry code → database id. */
  ids: Map<string, number>;
  expertIds: number[];
}

/**
 * The city notice's quotas made prize quotas (名额内按得分推优), the one kind the awards rank after judging; the
 * rule set itself checks them when a unit's entries arrive.
 */
export const cityPrizeQuotas = (yaml: string): string =>
  yaml.replace(
    /\nquotas:\n[\s\S]*?\n(?=# 4\.)/,
    [
      '\nquotas:',
      '  - { name: 开发区推优名额, per: county, match: 开发区, max: 30, exemptGroups: [区县案例], prize: true }',
      '  - { name: 市管学校推荐名额, per: school, match: 市管|市直, max: 6, exemptGroups: [区县案例], prize: true }',
      '  - { name: 县（市）区推优名额, per: county, max: 40, exemptGroups: [区县案例], prize: true }',
      '',
    ].join('\n'),
  );

export const EXPERT_NAMES = ['张评委', '李评委', '王评委', '赵评委', '钱评委'];

/**
 * Entries are 形式审查通过 unless their spec says otherwise, and the contest is scanned once at the end (its
 * entries have no documents, so nothing is flagged): the gates before judging are passed unless a test says not.
 */
export async function buildAwardContest(
  db: Db,
  rulesFile: string,
  category: string,
  entries: EntrySpec[],
  /** Changes the rule set's text before the contest is created. */
  edit: (yaml: string) => string = (yaml) => yaml,
): Promise<BuiltContest> {
  const rulesYaml = edit(fs.readFileSync(path.join('rules', rulesFile), 'utf8'));
  const contestId = await createContest(db, { rulesYaml, rulesSource: rulesFile, userId: null });
  const ruleSet = await contestRuleSet(db, contestId);
  const categories = await db.selectFrom('categories').select(['id', 'key']).where('contest_id', '=', contestId).execute();
  const now = nowIso();

  const experts = Math.max(...entries.map((e) => e.reviews.length));
  const expertIds: number[] = [];
  for (let i = 0; i < experts; i++) {
    const { id } = await db
      .insertInto('users')
      .values({
        username: `judge${contestId}-${i}`,
        display_name: EXPERT_NAMES[i],
        password_hash: 'x',
        role: 'expert',
        unit: `教研室${i + 1}`,
        county: '省直',
        phone: null,
        email: null,
        must_change_password: 0,
        specialties: null,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    expertIds.push(id);
  }

  const ids = new Map<string, number>();
  for (const e of entries) {
    const key = e.category ?? category;
    const { id } = await db
      .insertInto('entries')
      .values({
        contest_id: contestId,
        category_id: categories.find((c) => c.key === key)!.id,
        code: e.code,
        title: e.title,
        group_name: e.group ?? null,
        status: e.status ?? 'eligible',
        source_path: null,
        category_label: null,
        batch_id: null,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.set(e.code, id);
    const authors = e.authors ?? [{ name: `作者${e.code}`, unit: '实验小学', county: '鼓楼区' }];
    await db
      .insertInto('authors')
      .values(
        authors.map((a, i) => ({
          entry_id: id,
          position: i + 1,
          name: a.name,
          unit: a.unit,
          county: a.county,
          title: null,
          phone: null,
          role: null,
        })),
      )
      .execute();

    const criteria = ruleSet.categories.find((c) => c.key === key)!.rubric.criteria;
    for (const [i, scores] of e.reviews.entries()) {
      const { id: assignmentId } = await db
        .insertInto('assignments')
        .values({ contest_id: contestId, entry_id: id, expert_id: expertIds[i], status: 'active', reason: null, created_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      const submitted = !e.drafts?.includes(i);
      await db
        .insertInto('reviews')
        .values({
          assignment_id: assignmentId,
          contest_id: contestId,
          entry_id: id,
          expert_id: expertIds[i],
          scores_json: reviewScores.write(Object.fromEntries(criteria.map((c, j) => [c.key, scores[j]]))),
          comment: `${EXPERT_NAMES[i]}：${e.title}结构完整，建议补充数据。`,
          total: Math.round(scores.reduce((s, v) => s + v, 0) * 100) / 100,
          status: submitted ? 'submitted' : 'draft',
          version: 1,
          return_reason: null,
          updated_at: now,
          submitted_at: submitted ? now : null,
        })
        .execute();
    }
  }
  await runContestScan(db, contestId, { userId: null });
  return { contestId, ids, expertIds };
}
