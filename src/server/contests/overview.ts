import type { Db } from '../../db/connect.ts';
import type { EntryStatus } from '../../db/schema.ts';

export interface ContestOverview {
  entries: number;
  files: number;
  byStatus: { status: EntryStatus; n: number }[];
  byCategory: { name: string; n: number }[];
}

/** Counts for the contest home page. */
export async function contestOverview(db: Db, contestId: number): Promise<ContestOverview> {
  const byStatus = await db
    .selectFrom('entries')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('contest_id', '=', contestId)
    .groupBy('status')
    .orderBy('status')
    .execute();
  const byCategory = await db
    .selectFrom('entries as e')
    .leftJoin('categories as c', 'c.id', 'e.category_id')
    .select(['c.name', 'c.sort_order', (eb) => eb.fn.countAll<number>().as('n')])
    .where('e.contest_id', '=', contestId)
    .groupBy(['c.name', 'c.sort_order'])
    .orderBy('c.sort_order')
    .execute();
  const files = await db
    .selectFrom('files as f')
    .innerJoin('entries as e', 'e.id', 'f.entry_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('e.contest_id', '=', contestId)
    .executeTakeFirstOrThrow();
  return {
    entries: byStatus.reduce((s, r) => s + Number(r.n), 0),
    files: Number(files.n),
    byStatus: byStatus.map((r) => ({ status: r.status, n: Number(r.n) })),
    byCategory: byCategory.map((r) => ({ name: r.name ?? '未归类', n: Number(r.n) })),
  };
}
