import crypto from 'node:crypto';
import pg from 'pg';
import { type Db, openMigratedDb } from '../../src/db/connect.ts';

/**
 * The databases every database-backed test runs against: SQLite always, PostgreSQL when
 * CASEJURY_TEST_PG names a server (`.ci/run` starts one). Each open() gets a fresh, migrated database.
 */
export interface TestDatabase {
  name: 'sqlite' | 'postgres';
  open(): Promise<Db>;
}

const pgAdminUrl = process.env.CASEJURY_TEST_PG;

async function freshPostgres(): Promise<Db> {
  const name = `casejury_test_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: pgAdminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(pgAdminUrl!);
  url.pathname = `/${name}`;
  const db = await openMigratedDb(url.toString());
  const destroy = db.destroy.bind(db);
  // Dropping on destroy keeps the server clean across runs.
  db.destroy = async () => {
    await destroy();
    const c = new pg.Client({ connectionString: pgAdminUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  };
  return db;
}

export const testDatabases: TestDatabase[] = [
  { name: 'sqlite', open: () => openMigratedDb(':memory:') },
  ...(pgAdminUrl ? [{ name: 'postgres' as const, open: freshPostgres }] : []),
];
