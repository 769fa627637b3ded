import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { type Command, UsageError } from '../command.ts';
import { dataDir } from '../../config.ts';
import { isPostgresUrl, migrateToLatest, openDb, openMigratedDb, resolveDbUrl } from '../../db/connect.ts';
import { migrationProvider } from '../../db/migrations/index.ts';
import { backupFileName, backupSqlite, defaultBackupFile, type PostgresStatus, postgresStatus } from '../../db/backup.ts';
import { compareDatabases, copyDatabase } from '../../db/copy.ts';

/** A database URL fit to print: the password hidden. */
function shown(url: string): string {
  if (!isPostgresUrl(url)) return url;
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const filesNote = (): string => `存储的文件（数据目录 ${dataDir()} 下的 files/）不在数据库中，请一并备份。`;

export const dbMigrateCommand: Command = {
  name: ['db', 'migrate'],
  summary: { zh: '把数据库升级到最新结构，列出本次执行的迁移', en: 'Bring the database schema up to date; lists the migrations applied' },
  usage: '[--db URL]',
  async run(ctx) {
    const url = resolveDbUrl(ctx.values.db as string | undefined);
    const db = openDb({ url });
    try {
      const applied = await migrateToLatest(db);
      const total = Object.keys(await migrationProvider.getMigrations()).length;
      if (ctx.json) {
        ctx.printJson({ database: shown(url), applied, total });
      } else if (applied.length === 0) {
        ctx.print(`数据库 ${shown(url)} 已是最新结构（共 ${total} 个迁移），无需迁移。`);
      } else {
        ctx.print(`数据库 ${shown(url)}：执行了 ${applied.length} 个迁移（共 ${total} 个）：`);
        for (const name of applied) ctx.print(`  ${name}`);
      }
      return 0;
    } finally {
      await db.destroy();
    }
  },
};

/** The major version of the pg_dump on this machine, or null when there is none. */
async function pgDumpMajor(): Promise<number | null> {
  try {
    const { stdout } = await promisify(execFile)('pg_dump', ['--version']);
    const m = /(\d+)(?:\.\d+)?/.exec(stdout);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

export const dbBackupCommand: Command = {
  name: ['db', 'backup'],
  summary: {
    zh: '备份数据库：SQLite 在线备份为一个文件并做完整性检查；PostgreSQL 检查连接和版本并给出 pg_dump 备份方法',
    en: 'Back up the database: SQLite to a checked file, online; PostgreSQL: connection and version check, pg_dump instructions',
  },
  usage: '[--out FILE] [--db URL]',
  options: { out: { type: 'string' } },
  optionHelp: {
    'out FILE': '备份文件，默认数据库旁 backups/ 下按时间命名 / backup file, default backups/ beside the database, named by time',
  },
  async run(ctx) {
    const url = resolveDbUrl(ctx.values.db as string | undefined);
    const out = ctx.values.out as string | undefined;
    if (isPostgresUrl(url)) {
      const db = openDb({ url });
      let status: PostgresStatus;
      try {
        status = await postgresStatus(db);
      } catch (err) {
        console.error(`无法连接 PostgreSQL ${shown(url)}：${(err as Error).message}`);
        return 1;
      } finally {
        await db.destroy();
      }
      const dump = await pgDumpMajor();
      const file = out ?? path.join(dataDir(), 'backups', backupFileName(status.database, '.dump'));
      const command = `pg_dump --format=custom --file="${file}" "${shown(url)}"`;
      const usable = dump !== null && dump >= status.major;
      if (ctx.json) {
        ctx.printJson({ database: shown(url), server: status, pgDump: dump, command, ready: usable });
      } else {
        ctx.print(`PostgreSQL ${status.version}，数据库 ${status.database}（${megabytes(status.bytes)}），连接正常。`);
        ctx.print('PostgreSQL 用 pg_dump 在线备份（服务不必停止），密码填在 *** 处或放在 PGPASSWORD / ~/.pgpass：');
        ctx.print(`  ${command}`);
        ctx.print('恢复到新建的空数据库：');
        ctx.print(`  pg_restore --no-owner --dbname="postgres://用户:密码@主机:5432/新数据库" "${file}"`);
        if (dump === null)
          ctx.print(`本机没有 pg_dump：请安装与服务器同一主版本的客户端（Debian：apt-get install postgresql-client-${status.major}）。`);
        else if (!usable)
          ctx.print(`本机的 pg_dump 是 ${dump} 版，低于服务器的 ${status.major} 版，无法备份：请安装 postgresql-client-${status.major}。`);
        ctx.print(filesNote());
      }
      return usable ? 0 : 1;
    }
    if (url === ':memory:') throw new UsageError('内存数据库无法备份');
    const backup = await backupSqlite(url, out ?? defaultBackupFile(url));
    if (ctx.json) {
      ctx.printJson({ database: url, ...backup, integrity: 'ok' });
    } else {
      ctx.print(`已备份 ${url} → ${backup.file}（${megabytes(backup.bytes)}，${backup.tables} 张表，完整性检查通过）。`);
      ctx.print(`恢复：停止服务，用备份文件替换 ${url}（并删除旁边的 -wal、-shm 文件），再启动。`);
      ctx.print(filesNote());
    }
    return 0;
  },
};

export const dbCopyCommand: Command = {
  name: ['db', 'copy'],
  summary: {
    zh: '把整个 SQLite 数据库复制到新建的空 PostgreSQL 数据库，并逐表核对行数和校验和',
    en: 'Copy a whole SQLite database into a new, empty PostgreSQL database, then check row counts and checksums per table',
  },
  usage: '--to postgres://用户:密码@主机:5432/数据库 [--db FILE]',
  options: { to: { type: 'string' } },
  optionHelp: {
    'to URL': '目标数据库（须为空；会先建好表结构） / target database, must be empty; its schema is created first',
  },
  async run(ctx) {
    const from = resolveDbUrl(ctx.values.db as string | undefined);
    const to = ctx.values.to as string | undefined;
    if (!to) throw new UsageError('需要用 --to 指定目标数据库，例如 --to postgres://用户:密码@127.0.0.1:5432/casejury');
    if (isPostgresUrl(from)) throw new UsageError(`源数据库必须是 SQLite 文件（用 --db 指定）：${shown(from)}`);
    if (from === ':memory:') throw new UsageError('内存数据库无法复制');
    if (to === from) throw new UsageError('源数据库和目标数据库相同');
    const source = await openMigratedDb(from);
    try {
      const target = await openMigratedDb(to);
      try {
        if (!ctx.json) ctx.print(`正在复制 ${from} → ${shown(to)}`);
        const tables = await copyDatabase(source, target, (table, rows) => {
          if (!ctx.json) ctx.print(`  ${table.padEnd(24)} ${String(rows).padStart(8)} 行`);
        });
        const checks = await compareDatabases(source, target, tables);
        const bad = checks.filter((c) => !c.matches);
        if (ctx.json) {
          ctx.printJson({ source: from, target: shown(to), tables: checks, matches: bad.length === 0 });
        } else {
          ctx.print('');
          ctx.print('核对（行数；校验和为按主键排序的全部行的 SHA-256）：');
          // Padded for display width: a Chinese character takes two columns.
          ctx.print(
            `  ${'表'.padEnd(23)} ${'源行数'.padStart(5)} ${'目标行数'.padStart(4)}  ${'源校验和'.padEnd(8)} ${'目标校验和'.padEnd(7)} 结果`,
          );
          for (const c of checks) {
            const rows = `${String(c.sourceRows).padStart(8)} ${String(c.targetRows).padStart(8)}`;
            const sums = `${c.sourceSha256.slice(0, 12)} ${c.targetSha256.slice(0, 12)}`;
            ctx.print(`  ${c.table.padEnd(24)} ${rows}  ${sums} ${c.matches ? '一致' : '不一致'}`);
          }
          const rows = checks.reduce((n, c) => n + c.sourceRows, 0);
          ctx.print(
            bad.length === 0
              ? `全部 ${checks.length} 张表一致，共 ${rows} 行。`
              : `${bad.length} 张表不一致：${bad.map((c) => c.table).join('、')}`,
          );
        }
        return bad.length === 0 ? 0 : 1;
      } finally {
        await target.destroy();
      }
    } finally {
      await source.destroy();
    }
  },
};
