import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, nowIso } from '../src/db/connect.ts';
import { testDatabases } from './helpers/db.ts';
import { openReview, returnReview, saveReview } from '../src/judging/store/reviews.ts';
import fs from 'node:fs';
import { categoryRubric, checkScores, checkSubmission, scoringCriteria, type ScoringCriterion } from '../src/judging/rubric.ts';
import { parseRuleSet, requireRuleSet } from '../src/rules/load.ts';
import { seedContest } from './helpers/seed.ts';

const criteria: ScoringCriterion[] = [
  { key: 'design', name: '研修设计', max: 30 },
  { key: 'effect', name: '研修成效', max: 40 },
  { key: 'innovation', name: '特色创新', max: 30 },
];

describe('rubric checks', () => {
  it('accepts blanks in drafts, refuses out-of-range and non-numeric values with the criterion named', () => {
    const r = checkScores(criteria, { design: '25.5', effect: '41', innovation: 'abc' });
    expect(r.scores).toEqual({ design: 25.5, effect: null, innovation: null });
    expect(r.total).toBe(25.5);
    expect(r.problems.map((p) => p.message)).toEqual([
      '“研修成效”的分数 41 超出满分 40',
      '“特色创新”的分数“abc”不是有效数字（最多两位小数）',
    ]);
    expect(checkScores(criteria, { design: '-1' }).problems[0].field).toBe('design');
  });
  it('requires every criterion and a comment to submit', () => {
    const r = checkSubmission(criteria, { design: 20, effect: 30 }, '  ');
    expect(r.problems.map((p) => p.field)).toEqual(['innovation', 'comment']);
    expect(checkSubmission(criteria, { design: 20, effect: 30, innovation: 0 }, '结构完整').problems).toEqual([]);
  });
});

describe('levels an expert clicks', () => {
  // The district notice gives no points: its rubrics use the default scale 优秀 ≥85%, 良好 ≥70%, 合格 ≥60%.
  const FILE = 'rules/2024-district-info-teaching-exchange.yaml';
  const text = fs.readFileSync(FILE, 'utf8');
  const firstRubric = 'rubric:\n      editableDefault: true\n';
  const withRubric = (extra: string) => requireRuleSet(text.replace(firstRubric, `${firstRubric}${extra}`), FILE);
  const key = requireRuleSet(text, FILE).categories[0].key;
  const levelsOf = (rules: ReturnType<typeof requireRuleSet>, i = 0) =>
    categoryRubric(rules, key)!.criteria[i].levels.map((l) => [l.label, l.low, l.high, l.fill]);

  it('by default selects a band of whole points, never filling a score nobody chose', () => {
    // 主题与内容, max 25: 优秀 21.25–25 → 22–25, 良好 17.5–21.25 → 18–21, 合格 15–17.5 → 15–17, 不合格 0–14.
    expect(levelsOf(requireRuleSet(text, FILE))).toEqual([
      ['优秀', 22, 25, null],
      ['良好', 18, 21, null],
      ['合格', 15, 17, null],
      ['不合格', 0, 14, null],
    ]);
    expect(scoringCriteria(requireRuleSet(text, FILE), key)![0]).toEqual({ key: 'content', name: '主题与内容', max: 25, step: 1 });
  });

  it('fills the level’s top where the rule set says levelClick: top, in its step', () => {
    expect(levelsOf(withRubric('      levelClick: top\n'))).toEqual([
      ['优秀', 22, 25, 25],
      ['良好', 18, 21, 21],
      ['合格', 15, 17, 17],
      ['不合格', 0, 14, 14],
    ]);
    expect(levelsOf(withRubric('      levelClick: top\n      step: 0.5\n'))).toEqual([
      ['优秀', 21.5, 25, 25],
      ['良好', 17.5, 21, 21],
      ['合格', 15, 17, 17],
      ['不合格', 0, 14.5, 14.5],
    ]);
  });

  it('fills a level’s own score, and refuses one outside its band or step', () => {
    // Built by hand: a criterion with explicit levels carrying fixed scores.
    const yaml = text.replace(
      /- \{ key: content, name: 主题与内容, max: 25, description: [^}]*\}/,
      '- { key: content, name: 主题与内容, max: 25, levels: [{ label: 优秀, min: 20, max: 25, score: 23 }, ' +
        '{ label: 一般, min: 0, max: 20, score: 10 }] }',
    );
    expect(levelsOf(requireRuleSet(yaml, FILE))).toEqual([
      ['优秀', 20, 25, 23],
      ['一般', 0, 19, 10],
    ]);
    const bad = parseRuleSet(yaml.replace('score: 23', 'score: 19').replace('score: 10', 'score: 9.5'), FILE);
    expect(bad.ok).toBe(false);
    expect(bad.ok ? [] : bad.errors.map((e) => e.message)).toEqual([
      expect.stringContaining('等级分 19 须在分数段 20–25 之内'),
      expect.stringContaining('等级分 9.5 须在分数段 0–20 之内，且为 1 的倍数'),
    ]);
  });

  it('refuses a score off the rubric’s step with the criterion named', () => {
    const whole = criteria.map((c) => ({ ...c, step: 1 }));
    expect(checkScores(whole, { design: '18.5', effect: '30' }).problems).toEqual([
      { field: 'design', message: '“研修设计”的分数 18.5 须为整数' },
    ]);
    const halves = criteria.map((c) => ({ ...c, step: 0.5 }));
    expect(checkScores(halves, { design: '18.5', effect: '30.25' }).problems.map((p) => p.message)).toEqual([
      '“研修成效”的分数 30.25 须为0.5的倍数',
    ]);
  });
});

describe.each(testDatabases)('review store on $name', ({ open }) => {
  let db: Db;
  let assignmentId: number;
  let expertId: number;
  let otherExpert: number;
  beforeEach(async () => {
    db = await open();
    const seeded = await seedContest(db, { entries: 1, experts: 2 });
    [expertId, otherExpert] = seeded.expertIds;
    ({ id: assignmentId } = await db
      .insertInto('assignments')
      .values({
        contest_id: seeded.contestId,
        entry_id: seeded.entryIds[0],
        expert_id: expertId,
        status: 'active',
        reason: null,
        created_at: nowIso(),
      })
      .returning('id')
      .executeTakeFirstOrThrow());
  });
  afterEach(() => db.destroy());

  const input = (raw: Record<string, unknown>, baseVersion: number, comment = '') => ({
    assignmentId,
    expertId,
    criteria,
    raw,
    comment,
    baseVersion,
  });

  it('saves drafts with versions, refuses a stale tab, locks after submit and audits every change', async () => {
    expect(await openReview(db, assignmentId, otherExpert)).toBeNull();
    const first = await saveReview(db, input({ design: 20 }, 0));
    expect(first?.status).toBe('saved');
    expect(first?.review.version).toBe(1);

    const stale = await saveReview(db, input({ design: 5 }, 0));
    expect(stale?.status).toBe('conflict');
    expect(JSON.parse(stale!.review.scores_json).design).toBe(20);

    const bad = await saveReview(db, input({ design: 22, effect: 99 }, 1));
    expect(bad?.status).toBe('invalid');
    expect(JSON.parse(bad!.review.scores_json)).toEqual({ design: 22, effect: null, innovation: null });

    const incomplete = await saveReview(db, input({ design: 22, effect: 30 }, 2, '好'), true);
    expect(incomplete?.status).toBe('invalid');
    expect(incomplete?.review.status).toBe('draft');

    const submitted = await saveReview(db, input({ design: 22, effect: 30, innovation: 18 }, 2, '研修设计合理'), true);
    expect(submitted?.status).toBe('saved');
    expect(submitted?.review.status).toBe('submitted');
    expect(submitted?.review.total).toBe(70);

    expect((await saveReview(db, input({ design: 1 }, 3)))?.status).toBe('locked');

    await expect(returnReview(db, submitted!.review.id, 1, '')).rejects.toThrow('原因');
    const returned = await returnReview(db, submitted!.review.id, 1, '评语过于简单');
    expect(returned.status).toBe('returned');
    const again = await saveReview(db, input({ design: 25, effect: 30, innovation: 18 }, returned.version, '研修设计合理，成效明显'), true);
    expect(again?.review.total).toBe(73);

    const log = await db.selectFrom('audit_log').select(['action', 'old_value', 'new_value', 'reason']).orderBy('id').execute();
    expect(log.map((l) => l.action)).toEqual(['review.save', 'review.save', 'review.submit', 'review.return', 'review.submit']);
    expect(JSON.parse(log[1].old_value!)).toEqual({ design: 20 });
    expect(JSON.parse(log[1].new_value!)).toEqual({ design: 22 });
    expect(JSON.parse(log[4].new_value!)).toMatchObject({ design: 25, comment: '研修设计合理，成效明显' });
    expect(log[3].reason).toBe('评语过于简单');
  });
});
