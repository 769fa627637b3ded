import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Db, openMigratedDb } from '../src/db/connect.ts';
import { createTestPgDatabase } from './helpers/db.ts';

/**
 * PostgreSQL ending the server's idle connections (a restart, pg_terminate_backend, DROP DATABASE … FORCE)
 * must not crash casejury: the pool drops them, says so, and connects again on the next query.
 */

const pgAdmin = process.env.CASEJURY_TEST_PG;

describe.skipIf(!pgAdmin)('PostgreSQL ending idle connections (needs CASEJURY_TEST_PG)', () => {
  let database: { url: string; drop(): Promise<void> };
  let db: Db;

  beforeAll(async () => {
    database = await createTestPgDatabase();
    db = await openMigratedDb(database.url);
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('keeps answering after the server terminated every idle connection', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      // Several idle connections in the pool.
      await Promise.all(Array.from({ length: 3 }, () => sql`select pg_sleep(0.05)`.execute(db)));
      const admin = new pg.Client({ connectionString: pgAdmin });
      await admin.connect();
      let ended: number;
      try {
        const name = new URL(database.url).pathname.slice(1);
        const { rowCount } = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [name]);
        ended = rowCount ?? 0;
      } finally {
        await admin.end();
      }
      expect(ended).toBeGreaterThanOrEqual(1);
      // Each ended connection reported (the process still running is the point), then the next query connects anew.
      for (let i = 0; i < 250 && warn.mock.calls.length < ended; i++) await sleep(20);
      expect(warn.mock.calls.map((c) => String(c[0]).replace(/\(.*\)/, '(…)'))).toEqual(
        Array(ended).fill('casejury: PostgreSQL closed an idle connection (…); reconnecting on next use'),
      );
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from users`.execute(db);
      expect(rows[0].n).toBe(0);
    } finally {
      warn.mockRestore();
    }
  });
});
