import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import type { Db } from './connect.ts';

export interface SqliteBackup {
  file: string;
  bytes: number;
  tables: number;
}

/** `<base>-YYYYMMDD-HHMMSS<ext>`: backups named by the (UTC) time they were taken sort in order. */
export function backupFileName(base: string, ext: string, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replace(/[-:]/g, '')
    .replace('T', '-');
  return `${base}-${stamp}${ext}`;
}

/** Where a SQLite backup goes by default: backups/ beside the database. */
export const defaultBackupFile = (databaseFile: string): string =>
  path.join(
    path.dirname(path.resolve(databaseFile)),
    'backups',
    backupFileName(path.basename(databaseFile, path.extname(databaseFile)), '.db'),
  );

/**
 * An online backup of a SQLite database (SQLite's backup API, through its own connection: the
 * server may keep writing meanwhile), checked with PRAGMA integrity_check before it is reported.
 */
export async function backupSqlite(databaseFile: string, out: string): Promise<SqliteBackup> {
  if (!fs.existsSync(databaseFile)) throw new Error(`找不到数据库文件：${databaseFile}`);
  if (fs.existsSync(out)) throw new Error(`备份文件已存在，不会覆盖：${out}`);
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  const source = new SQLite(databaseFile, { fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    await source.backup(out);
  } finally {
    source.close();
  }
  const copy = new SQLite(out, { readonly: true, fileMustExist: true });
  try {
    const integrity = copy.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new Error(`备份文件 ${out} 未通过完整性检查：${String(integrity)}`);
    const tables = copy.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'").pluck().get() as number;
    return { file: out, bytes: fs.statSync(out).size, tables };
  } finally {
    copy.close();
  }
}

export interface PostgresStatus {
  /** e.g. 15.18 */
  version: string;
  major: number;
  database: string;
  bytes: number;
}

/** Connects and reports what a backup of the database involves; throws when the server cannot be reached. */
export async function postgresStatus(db: Db): Promise<PostgresStatus> {
  const { rows } = await sql<{ version: string; num: string; database: string; bytes: number }>`
    SELECT current_setting('server_version') AS version, current_setting('server_version_num') AS num,
           current_database() AS database, pg_database_size(current_database()) AS bytes`.execute(db);
  const [r] = rows;
  return { version: r.version.split(' ')[0], major: Math.floor(Number(r.num) / 10000), database: r.database, bytes: Number(r.bytes) };
}
