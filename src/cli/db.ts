import { type Db, openMigratedDb, resolveDbUrl } from '../db/connect.ts';
import { UsageError } from './command.ts';

/** Opens the database named by `--db` (or the environment), runs `work`, and always closes it. */
export async function withDb<T>(dbOption: unknown, work: (db: Db) => Promise<T>): Promise<T> {
  const db = await openMigratedDb(resolveDbUrl(typeof dbOption === 'string' ? dbOption : undefined));
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

/** The CONTEST argument: a contest id. */
export function contestId(value: string | undefined): number {
  const id = Number(value);
  if (!value || !Number.isInteger(id) || id <= 0) throw new UsageError(`竞赛编号应为正整数：${value ?? '（缺少）'}`);
  return id;
}
