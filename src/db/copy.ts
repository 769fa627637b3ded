import crypto from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Db } from './connect.ts';
import { dialectOf } from './dialect.ts';

/** One of the application's tables, as the copy reads and checks it. */
export interface TableInfo {
  name: string;
  /** In declaration order. */
  columns: string[];
  /** The order rows are read, copied and checksummed in. */
  primaryKey: string[];
  /** Tables it has foreign keys to. */
  references: string[];
}

export interface TableCheck {
  table: string;
  sourceRows: number;
  targetRows: number;
  /** SHA-256 over the table's rows in primary-key order (see tableChecksum). */
  sourceSha256: string;
  targetSha256: string;
  matches: boolean;
}

/** Any table, any columns: the copy works on whatever tables the migrations made. */
type SomeTables = Record<string, Record<string, unknown>>;
const untyped = (db: Db): Kysely<SomeTables> => db as unknown as Kysely<SomeTables>;

/** Every table comes after the tables it references; ties in name order, so the order is stable. */
function inDependencyOrder(tables: TableInfo[]): TableInfo[] {
  const ordered: TableInfo[] = [];
  const placed = new Set<string>();
  const waiting = [...tables].sort((a, b) => a.name.localeCompare(b.name));
  while (waiting.length) {
    const next = waiting.findIndex((t) => t.references.every((r) => placed.has(r)));
    if (next < 0) throw new Error(`外键相互引用，无法确定复制顺序：${waiting.map((t) => t.name).join('、')}`);
    const [table] = waiting.splice(next, 1);
    ordered.push(table);
    placed.add(table.name);
  }
  return ordered;
}

/** The application's tables in a SQLite database (not SQLite's own or the migrator's), in dependency order. */
export async function sqliteTables(db: Db): Promise<TableInfo[]> {
  if (dialectOf(db) !== 'sqlite') throw new Error('源数据库必须是 SQLite（casejury db copy 把 SQLite 安装迁到 PostgreSQL）');
  const names = await sql<{ name: string }>`
    SELECT name FROM sqlite_master
    WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE 'kysely\\_%' ESCAPE '\\'`.execute(db);
  const tables: TableInfo[] = [];
  for (const { name } of names.rows) {
    const columns = (await sql<{ name: string; pk: number }>`SELECT name, pk FROM pragma_table_info(${name}) ORDER BY cid`.execute(db))
      .rows;
    const keys = (await sql<{ table: string }>`SELECT "table" FROM pragma_foreign_key_list(${name})`.execute(db)).rows;
    const primaryKey = columns
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    if (primaryKey.length === 0) throw new Error(`表 ${name} 没有主键，无法按顺序复制和核对`);
    tables.push({
      name,
      columns: columns.map((c) => c.name),
      primaryKey,
      references: [...new Set(keys.map((k) => k.table))].filter((t) => t !== name),
    });
  }
  return inDependencyOrder(tables);
}

/** The table's rows in primary-key order, a batch at a time (keyset paging: every batch is an index range scan). */
async function* batchesOf(db: Db, table: TableInfo, size: number): AsyncGenerator<Record<string, unknown>[]> {
  const key = sql.join(table.primaryKey.map((c) => sql.ref(c)));
  let after: unknown[] | null = null;
  for (;;) {
    let query = untyped(db).selectFrom(table.name).select(table.columns);
    if (after) query = query.where(sql<boolean>`(${key}) > (${sql.join(after)})`);
    for (const c of table.primaryKey) query = query.orderBy(c);
    const rows = await query.limit(size).execute();
    if (rows.length) yield rows;
    if (rows.length < size) return;
    const last = rows[rows.length - 1];
    after = table.primaryKey.map((c) => last[c]);
  }
}

/** Rows per INSERT: PostgreSQL takes at most 65,535 parameters per statement. */
const batchSize = (table: TableInfo): number => Math.min(500, Math.floor(30_000 / table.columns.length));

/**
 * Row count and SHA-256 of a table: each row, in primary-key order, as the JSON array of its
 * values in column order, one per line. SQLite and PostgreSQL hand back the same JavaScript
 * values for the same data (integers, doubles and text), so equal tables hash equal.
 */
export async function tableChecksum(db: Db, table: TableInfo): Promise<{ rows: number; sha256: string }> {
  const hash = crypto.createHash('sha256');
  let rows = 0;
  for await (const batch of batchesOf(db, table, 1000)) {
    for (const row of batch) hash.update(`${JSON.stringify(table.columns.map((c) => row[c]))}\n`);
    rows += batch.length;
  }
  return { rows, sha256: hash.digest('hex') };
}

/**
 * Copies every application table of a SQLite database into an empty, migrated target, in one
 * transaction (a failed copy leaves the target empty), then moves PostgreSQL's id sequences past
 * the copied ids. Returns the tables copied.
 */
export async function copyDatabase(source: Db, target: Db, onTable?: (table: string, rows: number) => void): Promise<TableInfo[]> {
  const tables = await sqliteTables(source);
  for (const table of tables) {
    const { n } = await untyped(target)
      .selectFrom(table.name)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    if (Number(n) > 0) throw new Error(`目标数据库不是空的：表 ${table.name} 已有 ${n} 行；请复制到新建的空数据库`);
  }
  await target.transaction().execute(async (trx) => {
    for (const table of tables) {
      let copied = 0;
      try {
        for await (const rows of batchesOf(source, table, batchSize(table))) {
          await untyped(trx).insertInto(table.name).values(rows).execute();
          copied += rows.length;
        }
      } catch (err) {
        throw new Error(`复制表 ${table.name} 失败（已复制 ${copied} 行）：${err instanceof Error ? err.message : String(err)}`);
      }
      onTable?.(table.name, copied);
    }
    if (dialectOf(target) === 'postgres') {
      // Copied rows keep their ids; the sequences must hand out the next ones after them.
      for (const table of tables.filter((t) => t.primaryKey.join() === 'id')) {
        const next = sql`COALESCE(MAX(id), 0) + 1`;
        await sql`SELECT setval(pg_get_serial_sequence(${table.name}, 'id'), ${next}, false) FROM ${sql.table(table.name)}`.execute(trx);
      }
    }
  });
  return tables;
}

/** Row counts and checksums of each table on both sides. */
export async function compareDatabases(source: Db, target: Db, tables: TableInfo[]): Promise<TableCheck[]> {
  const checks: TableCheck[] = [];
  for (const table of tables) {
    const [s, t] = await Promise.all([tableChecksum(source, table), tableChecksum(target, table)]);
    checks.push({
      table: table.name,
      sourceRows: s.rows,
      targetRows: t.rows,
      sourceSha256: s.sha256,
      targetSha256: t.sha256,
      matches: s.rows === t.rows && s.sha256 === t.sha256,
    });
  }
  return checks;
}
