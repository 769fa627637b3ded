import type { Db } from '../../src/db/connect.ts';
import { nowIso } from '../../src/db/connect.ts';

/** Minimal rows for tests that need a contest, entries and users without going through a rule set or an import. */
export async function seedContest(db: Db, opts: { entries?: number; experts?: number } = {}) {
  const now = nowIso();
  const { id: contestId } = await db
    .insertInto('contests')
    .values({ name: '测试竞赛', rules_yaml: '', rules_source: 'test.yaml', blind: 1, created_by: null, created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  const { id: categoryId } = await db
    .insertInto('categories')
    .values({ contest_id: contestId, key: 'regional', name: '区域研修应用案例', sort_order: 1 })
    .returning('id')
    .executeTakeFirstOrThrow();
  const entryIds: number[] = [];
  for (let i = 1; i <= (opts.entries ?? 3); i++) {
    const { id } = await db
      .insertInto('entries')
      .values({
        contest_id: contestId,
        category_id: categoryId,
        code: `T${String(i).padStart(3, '0')}`,
        title: `测试作品${i}`,
        group_name: '小学',
        status: 'submitted',
        source_path: null,
        category_label: null,
        batch_id: null,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('authors')
      .values({ entry_id: id, position: 1, name: `作者${i}`, unit: `学校${i}`, county: '东城区', title: null, phone: null, role: null })
      .execute();
    entryIds.push(id);
  }
  const expertIds: number[] = [];
  for (let i = 1; i <= (opts.experts ?? 2); i++) {
    const { id } = await db
      .insertInto('users')
      .values({
        username: `expert${i}`,
        display_name: `专家${i}`,
        password_hash: 'x',
        role: 'expert',
        unit: `教研室${i}`,
        county: '西城区',
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
  return { contestId, categoryId, entryIds, expertIds };
}
