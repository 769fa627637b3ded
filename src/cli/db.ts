import { type Db, openMigratedDb, resolveDbUrl } from '../db/connect.ts';

/** Opens the database named by `--db` (or the environment), runs `work`, and always closes it. */
export async function withDb<T>(dbOption: unknown, work: (db: Db) => Promise<T>): Promise<T> {
  const db = await openMigratedDb(resolveDbUrl(typeof dbOption === 'string' ? dbOption : undefined));
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}
