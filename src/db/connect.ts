import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import {
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  type PostgresCursor,
  type PostgresPool,
  type PostgresPoolClient,
  type PostgresQueryResult,
} from 'kysely';
import type { Database } from './schema.ts';
import { migrationProvider } from './migrations/index.ts';
import { dataDir } from '../config.ts';
import { CappedMap } from '../util/capped-map.ts';
import { StatementNames } from './statement-names.ts';

export type Db = Kysely<Database>;

/** A row of a query built by a function, for the function that maps it: `QueryRow<ReturnType<typeof query>>`. */
export type QueryRow<Q extends { execute(): Promise<unknown[]> }> = Awaited<ReturnType<Q['execute']>>[number];

// PostgreSQL returns BIGINT (file sizes, counts) as strings; every value we store fits a double exactly.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export interface DbOptions {
  /** `postgres://…` selects PostgreSQL; anything else is a SQLite file path (or `:memory:`). */
  url: string;
}

/** Where the database lives: `--db`, then DATABASE_URL, then CASEJURY_DB, then casejury.db in the data folder. */
export function resolveDbUrl(cliValue?: string): string {
  return cliValue || process.env.DATABASE_URL || process.env.CASEJURY_DB || path.join(dataDir(), 'casejury.db');
}

export const isPostgresUrl = (url: string): boolean => /^postgres(ql)?:\/\//.test(url);

export function openDb({ url }: DbOptions): Db {
  if (isPostgresUrl(url)) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    // An idle connection the server ends (a restart, an administrator's terminate) is dropped and replaced on next
    // use; unheard, its error would crash the process.
    pool.on('error', (err) => console.warn(`casejury: PostgreSQL closed an idle connection (${err.message}); reconnecting on next use`));
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool, new StatementNames()) }) });
  }
  if (url !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(url)), { recursive: true });
  const sqlite = new SQLite(url);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  cacheStatements(sqlite);
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}

/**
 * Kysely prepares every query anew, and preparing is most of a small query's cost (a review save's
 * lookup: 138 µs → 90 µs). Statements are reusable because kysely runs one query at a time per connection.
 */
function cacheStatements(sqlite: SQLite.Database, limit = 2000): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new CappedMap<string, SQLite.Statement>(limit);
  sqlite.prepare = ((sql: string) => {
    let statement = cache.get(sql);
    if (!statement) {
      statement = prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  }) as typeof sqlite.prepare;
}

/**
 * The pool as kysely sees it, but running the texts `names` names as named prepared statements (parsed once
 * per connection, planned once when a generic plan costs no more; see statement-names.ts). Statements
 * without parameters (BEGIN, COMMIT, a migration's DDL, which may hold several statements) stay unnamed.
 */
export function preparingPool(pool: pg.Pool, names: StatementNames): PostgresPool {
  // One wrapper per pooled client: kysely keys its connections by the client object.
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    const run = async (text: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<unknown>> => {
      const values = [...parameters];
      const execute = (name: string | undefined) => client.query({ name, text, values });
      const name = values.length ? names.nameOf(text) : undefined;
      let result: pg.QueryResult;
      try {
        result = await execute(name);
      } catch (err) {
        // Refused before it ran, so running it again under a new name is safe (outside a transaction it succeeds).
        if (name === undefined || !isStalePlan(err)) throw err;
        names.renew(text, name);
        result = await execute(names.nameOf(text));
      }
      const { command, rowCount, rows } = result;
      return { command: command as PostgresQueryResult<unknown>['command'], rowCount: rowCount ?? 0, rows };
    };
    function query<R>(sql: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>>;
    function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
    function query(
      text: string | PostgresCursor<unknown>,
      parameters: readonly unknown[] = [],
    ): Promise<PostgresQueryResult<unknown>> | PostgresCursor<unknown> {
      // kysely passes a cursor only when the dialect is given a cursor class, which ours is not.
      if (typeof text !== 'string') throw new Error('PostgreSQL cursors are not configured');
      return run(text, parameters);
    }
    return { query, release: () => client.release() };
  };
  return {
    connect: async () => {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (!wrapper) {
        wrapper = wrap(client);
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}

const isStalePlan = (err: unknown): boolean =>
  err instanceof Error && 'code' in err && err.code === '0A000' && err.message.includes('cached plan must not change result type');

/** Applies the migrations the database lacks; returns their names (none when it is up to date). */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`数据库迁移失败：${failed?.migrationName ?? ''} ${error instanceof Error ? error.message : String(error ?? '')}`);
  }
  return (results ?? []).map((r) => r.migrationName);
}

/** Opens and migrates: what every entry point (server, CLI, tests) calls. */
export async function openMigratedDb(url: string): Promise<Db> {
  const db = openDb({ url });
  await migrateToLatest(db);
  return db;
}

export const nowIso = (): string => new Date().toISOString();

/**
 * Runs `work` in the caller's transaction when `db` is one, else in a new transaction: a store write that must be
 * atomic on its own can also commit together with the caller's other writes (kysely cannot nest transactions).
 */
export const inTransaction = <T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> =>
  db.isTransaction ? work(db) : db.transaction().execute(work);

/**
 * Texts read in one query: a query runs synchronously on SQLite, and 500 case documents took
 * 25–40 ms of it while experts waited; 150 take about 10 ms.
 */
export const TEXTS_PER_READ = 150;

/**
 * Lets the event loop serve what is waiting (experts' saves) before the next query. better-sqlite3 answers
 * synchronously, so a loop of awaited queries runs as one chain of microtasks: a long batch job between
 * short writes would still hold the server for its whole length without this.
 */
export const yieldToServer = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
