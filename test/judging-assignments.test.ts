import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/connect.ts';
import { testDatabases } from './helpers/db.ts';
import { declareConflict, runAutoAssign, setAssignment } from '../src/judging/store/assignments.ts';
import { saveReview } from '../src/judging/store/reviews.ts';
import { seedContest } from './helpers/seed.ts';

describe.each(testDatabases)('assignment store on $name', ({ open }) => {
  let db: Db;
  let s: Awaited<ReturnType<typeof seedContest>>;
  beforeEach(async () => {
    db = await open();
    s = await seedContest(db, { entries: 6, experts: 4 });
    const { id: panelId } = await db
      .insertInto('panels')
      .values({ contest_id: s.contestId, name: '区域研修组', category_id: s.categoryId, group_name: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const userId of s.expertIds) await db.insertInto('panel_members').values({ panel_id: panelId, user_id: userId }).execute();
    // Expert 1 works at the school of entry 1's author: 回避.
    await db.updateTable('users').set({ unit: '学校1' }).where('id', '=', s.expertIds[0]).execute();
    // A disqualified entry is not reviewed.
    await db.updateTable('entries').set({ status: 'disqualified' }).where('id', '=', s.entryIds[5]).execute();
  });
  afterEach(() => db.destroy());

  const active = () => db.selectFrom('assignments').selectAll().where('status', '=', 'active').orderBy('id').execute();

  it('assigns 3 conflict-free experts per valid entry, keeps started reviews on re-run, and replaces a declined expert', async () => {
    const first = await runAutoAssign(db, s.contestId, { perEntry: 3, avoidSameCounty: false, userId: 1 });
    expect(first.shortfalls).toEqual([]);
    let rows = await active();
    expect(rows).toHaveLength(15);
    expect(rows.some((r) => r.entry_id === s.entryIds[0] && r.expert_id === s.expertIds[0])).toBe(false);
    expect(rows.some((r) => r.entry_id === s.entryIds[5])).toBe(false);
    const loads = s.expertIds.map((x) => rows.filter((r) => r.expert_id === x).length);
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);

    const again = await runAutoAssign(db, s.contestId, { perEntry: 3, avoidSameCounty: false, userId: 1 });
    expect(again.added).toEqual([]);
    expect(again.removed).toEqual([]);

    // The expert starts a review, then declares a conflict on another entry.
    const mine = rows.filter((r) => r.expert_id === s.expertIds[1]);
    await saveReview(db, {
      assignmentId: mine[0].id,
      expertId: s.expertIds[1],
      criteria: [{ key: 'a', name: 'A', max: 10 }],
      raw: { a: 5 },
      comment: '',
      baseVersion: 0,
    });
    const declined = mine[1];
    await expect(declareConflict(db, declined.id, s.expertIds[1], '', { perEntry: 3, avoidSameCounty: false })).rejects.toThrow('原因');
    const after = await declareConflict(db, declined.id, s.expertIds[1], '作者是我的学生', { perEntry: 3, avoidSameCounty: false });
    expect(after.added).toHaveLength(1);
    expect(after.added[0].entryId).toBe(declined.entry_id);
    rows = await active();
    expect(rows.some((r) => r.id === mine[0].id)).toBe(true);
    expect(rows.some((r) => r.entry_id === declined.entry_id && r.expert_id === s.expertIds[1])).toBe(false);
    // Declined stays declined on later runs.
    const third = await runAutoAssign(db, s.contestId, { perEntry: 3, avoidSameCounty: false, userId: 1 });
    expect(third.added).toEqual([]);

    const target = rows.find((r) => r.entry_id === s.entryIds[2])!;
    await setAssignment(db, s.contestId, target.entry_id, target.expert_id, false, '专家请假', 1);
    expect((await active()).some((r) => r.id === target.id)).toBe(false);
    await expect(setAssignment(db, s.contestId, s.entryIds[2], s.expertIds[0], true, ' ', 1)).rejects.toThrow('原因');
    const actions = (await db.selectFrom('audit_log').select('action').orderBy('id').execute()).map((a) => a.action);
    expect(actions).toContain('assignment.decline');
    expect(actions).toContain('assignment.remove');
    expect(actions.filter((a) => a === 'assignment.auto')).toHaveLength(4);
  });

  it('reports entries that have too few eligible experts', async () => {
    const r = await runAutoAssign(db, s.contestId, { perEntry: 4, avoidSameCounty: false, userId: null });
    expect(r.shortfalls.map((x) => x.entryId)).toEqual([s.entryIds[0]]);
    expect(r.shortfalls[0].reason).toContain('只有 3 位');
  });
});
