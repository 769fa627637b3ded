import type { Db } from '../../db/connect.ts';
import type { Contest } from '../../db/schema.ts';
import { getContest } from '../../contests/index.ts';
import { notFound } from '../http-error.ts';

/** The contest a route works on, or a 404 page. */
export async function requireContest(db: Db, id: number): Promise<Contest> {
  const contest = await getContest(db, id);
  if (!contest) throw notFound('竞赛');
  return contest;
}
