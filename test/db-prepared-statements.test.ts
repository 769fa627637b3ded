import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preparingPool } from '../src/db/connect.ts';
import { StatementNames } from '../src/db/statement-names.ts';
import { createTestPgDatabase } from './helpers/db.ts';

describe('StatementNames: which query texts PostgreSQL keeps prepared', () => {
  it('names a text the second time it is seen, and keeps that name', () => {
    const names = new StatementNames();
    expect(names.nameOf('select $1')).toBeUndefined();
    const name = names.nameOf('select $1');
    expect(name).toMatch(/^casejury_\d+$/);
    expect(names.nameOf('select $1')).toBe(name);
    expect(names.nameOf('select $1 + 1')).toBeUndefined();
    expect(names.nameOf('select $1 + 1')).not.toBe(name);
  });

  it('names at most `limit` texts, for the life of the process, and keeps the ones it named', () => {
    const names = new StatementNames(3);
    const texts = Array.from({ length: 10 }, (_, i) => `select ${i} + $1`);
    const given = texts.map((t) => {
      names.nameOf(t);
      return names.nameOf(t);
    });
    expect(given.filter((n) => n !== undefined)).toEqual(['casejury_0', 'casejury_1', 'casejury_2']);
    expect(texts.map((t) => names.nameOf(t))).toEqual(given);
  });

  it('renews the names once when several connections are refused under the same stale name', () => {
    const names = new StatementNames();
    names.nameOf('select $1');
    const stale = names.nameOf('select $1') ?? '';
    names.renew('select $1', stale);
    const renewed = names.nameOf('select $1');
    expect(renewed).toBe('casejury_1_0');
    names.renew('select $1', stale); // a second connection's refusal of the same statement
    expect(names.nameOf('select $1')).toBe(renewed);
  });

  it('forgets the oldest texts seen only once beyond what it remembers, which only delays their naming', () => {
    const names = new StatementNames(100, 2);
    names.nameOf('a');
    names.nameOf('b');
    names.nameOf('c'); // 'a' is forgotten
    expect(names.nameOf('a')).toBeUndefined();
    expect(names.nameOf('a')).toBe('casejury_0');
  });
});

const pgAdmin = process.env.CASEJURY_TEST_PG;

describe.skipIf(!pgAdmin)('named prepared statements on PostgreSQL (needs CASEJURY_TEST_PG)', () => {
  let database: { url: string; drop(): Promise<void> };
  let db: Kysely<{ t: { id: number; v: string } }>;

  beforeAll(async () => {
    database = await createTestPgDatabase();
    db = new Kysely({
      dialect: new PostgresDialect({ pool: preparingPool(new pg.Pool({ connectionString: database.url, max: 1 }), new StatementNames(2)) }),
    });
    await sql`create table t (id int primary key, v text not null)`.execute(db);
    await sql`insert into t select i, 'v' || i from generate_series(1, 1000) i`.execute(db);
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  const prepared = () =>
    sql<{ name: string; statement: string; generic_plans: number }>`
      select name, statement, generic_plans::int from pg_prepared_statements order by name`.execute(db);

  it('runs a repeated query as one statement that PostgreSQL plans once, with every answer right', async () => {
    const lookup = (id: number) => db.selectFrom('t').select('v').where('id', '=', id);
    for (let id = 1; id <= 12; id++) expect(await lookup(id).execute()).toEqual([{ v: `v${id}` }]);
    const { rows } = await prepared();
    const statement = rows.find((r) => r.statement === lookup(1).compile().sql);
    // Named on its second run; after five custom plans PostgreSQL settles on the generic one.
    expect(statement?.name).toBe('casejury_0');
    expect(statement?.generic_plans).toBeGreaterThan(0);
  });

  it('leaves statements without parameters unnamed, and names no more texts than its limit', async () => {
    const counts = [
      (n: number) => sql<{ n: number }>`select count(*)::int as n from t where id <= ${n}`,
      (n: number) => sql<{ n: number }>`select count(*)::int as n from t where id < ${n + 1}`,
      (n: number) => sql<{ n: number }>`select count(*)::int as n from t where id between 1 and ${n}`,
    ];
    for (let n = 1; n <= 3; n++) {
      await sql`select count(*) from t`.execute(db);
      for (const count of counts) expect((await count(n).execute(db)).rows).toEqual([{ n }]);
    }
    // The lookup of the test above and the first count fill the limit of two; the other counts run unnamed.
    const { rows } = await prepared();
    expect(rows.map((r) => [r.name, r.statement])).toEqual([
      ['casejury_0', expect.stringContaining('"id" = $1')],
      ['casejury_1', counts[0](0).compile(db).sql],
    ]);
    expect(rows.some((r) => r.statement.includes('select count(*) from t'))).toBe(false);
  });

  it('prepares afresh a statement whose columns another process changed (a migration while it runs)', async () => {
    const names = new StatementNames();
    const other = new Kysely<{ u: { id: number; v: string; w?: string } }>({
      dialect: new PostgresDialect({ pool: preparingPool(new pg.Pool({ connectionString: database.url, max: 1 }), names) }),
    });
    try {
      await sql`create table u (id int primary key, v text not null)`.execute(other);
      await sql`insert into u values (1, 'a'), (2, 'b')`.execute(other);
      const lookup = (id: number) => other.selectFrom('u').selectAll().where('id', '=', id);
      const row = (id: number) => lookup(id).execute();
      for (const id of [1, 2, 1]) expect((await row(id))[0].id).toBe(id);
      expect(names.nameOf(lookup(1).compile().sql)).toBe('casejury_0');
      // Another instance's migration, on a connection of its own.
      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      await admin.query(`alter table u add column w text not null default 'new'`);
      await admin.end();
      expect(await row(2)).toEqual([{ id: 2, v: 'b', w: 'new' }]);
      expect(await row(1)).toEqual([{ id: 1, v: 'a', w: 'new' }]);
      expect(names.nameOf(lookup(1).compile().sql)).toBe('casejury_1_0');
    } finally {
      await other.destroy();
    }
  });
});
