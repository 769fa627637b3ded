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

/** A new, empty PostgreSQL database on the server `adminUrl` connects to (as a user allowed to create databases). */
export async function createScratchPgDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `casejury_test_${crypto.randomBytes(6).toString('hex')}`;
  const admin = async (query: string) => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(query);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  // Dropping keeps the server clean across runs.
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** A new, empty database on the CASEJURY_TEST_PG server, for tests that open it more than once (several instances). */
export function createTestPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!pgAdminUrl) throw new Error('CASEJURY_TEST_PG is not set');
  return createScratchPgDatabase(pgAdminUrl);
}

async function freshPostgres(): Promise<Db> {
  const { url, drop } = await createTestPgDatabase();
  const db = await openMigratedDb(url);
  const destroy = db.destroy.bind(db);
  db.destroy = async () => {
    await destroy();
    await drop();
  };
  return db;
}

export const testDatabases: TestDatabase[] = [
  { name: 'sqlite', open: () => openMigratedDb(':memory:') },
  ...(pgAdminUrl ? [{ name: 'postgres' as const, open: freshPostgres }] : []),
];
