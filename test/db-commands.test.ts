import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, nowIso, openDb, openMigratedDb } from '../src/db/connect.ts';
import { compareDatabases, sqliteTables, tableChecksum } from '../src/db/copy.ts';
import { createDemoContest } from '../scripts/demo.ts';
import { cli, cliJson } from './helpers/cli.ts';
import { createTestPgDatabase } from './helpers/db.ts';
import { jobPayload, jobResult, suspectReasons } from '../src/db/columns.ts';

/** `casejury db migrate | backup | copy` on a populated installation (the demo contest). */

const pg = process.env.CASEJURY_TEST_PG;
if (!pg)
  console.warn('db-commands.test.ts: CASEJURY_TEST_PG is not set, so copying to PostgreSQL and its backup check are skipped (CI sets it)');

let work: string;
let sourceFile: string;
let source: Db;
let demoEntries: number;
const previousData = process.env.CASEJURY_DATA;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'casejury-db-commands-'));
  process.env.CASEJURY_DATA = path.join(work, 'data');
  sourceFile = path.join(work, 'data', 'casejury.db');
  source = await openMigratedDb(sourceFile);
  const demo = await createDemoContest(source, path.join(work, 'submissions'));
  demoEntries = demo.imported;
  // Rows the demo leaves empty, with fractions that a 4-byte float would not keep.
  const [a, b] = await source.selectFrom('entries').select('id').orderBy('id').limit(2).execute();
  await source
    .insertInto('suspect_decisions')
    .values({
      contest_id: demo.contestId,
      entry_a: a.id,
      entry_b: b.id,
      decision: '不是同一作品',
      withdrawn_entry_id: null,
      kind: '相似主题',
      score: 0.8734567891234,
      reasons_json: suspectReasons.write(['题目相近']),
      reason: '内容不同',
      user_id: null,
      created_at: nowIso(),
    })
    .execute();
  await source
    .insertInto('jobs')
    .values({
      kind: 'similarity',
      contest_id: demo.contestId,
      status: 'done',
      progress: 1 / 3,
      message: '已完成',
      payload_json: jobPayload.write({ contestId: demo.contestId, userId: 1 }),
      result_json: jobResult.write({ runId: 1 }),
      locked_by: 'host:1:ab',
      locked_at: nowIso(),
      created_at: nowIso(),
      finished_at: nowIso(),
    })
    .execute();
});

afterAll(async () => {
  await source?.destroy();
  if (previousData === undefined) delete process.env.CASEJURY_DATA;
  else process.env.CASEJURY_DATA = previousData;
  fs.rmSync(work, { recursive: true, force: true });
});

describe('db migrate', () => {
  it('lists the migrations it applies, then reports the database up to date', async () => {
    const file = path.join(work, 'fresh.db');
    const first = await cliJson<{ applied: string[]; total: number }>('db', 'migrate', '--db', file);
    expect(first.applied[0]).toBe('001_foundation');
    expect(first.applied).toContain('007_jobs');
    expect(first.applied).toHaveLength(first.total);
    const again = await cli('db', 'migrate', '--db', file);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`已是最新结构（共 ${first.total} 个迁移）`);
  });
});

describe('db backup', () => {
  it('writes an online SQLite backup that holds exactly the same rows', async () => {
    const out = path.join(work, 'backups', 'demo.db');
    const res = await cli('db', 'backup', '--db', sourceFile, '--out', out);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`→ ${out}`);
    expect(res.stdout).toContain('完整性检查通过');
    const backup = openDb({ url: out });
    try {
      const checks = await compareDatabases(source, backup, await sqliteTables(source));
      expect(checks.filter((c) => !c.matches)).toEqual([]);
      expect(checks.find((c) => c.table === 'entries')!.targetRows).toBe(demoEntries);
    } finally {
      await backup.destroy();
    }
    // An existing file is never overwritten.
    const again = await cli('db', 'backup', '--db', sourceFile, '--out', out);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`备份文件已存在，不会覆盖：${out}`);
  });

  it.skipIf(!pg)('checks a PostgreSQL server and gives pg_dump instructions (needs CASEJURY_TEST_PG)', async () => {
    const res = await cli('db', 'backup', '--db', pg!);
    expect(res.stdout).toMatch(/^PostgreSQL \d+\.\d+，数据库 \w+（[\d.]+ MB），连接正常。/);
    expect(res.stdout).toContain('pg_dump --format=custom');
    // The password never appears, in the command or anywhere else.
    const url = new URL(pg!);
    if (url.password) {
      expect(res.stdout).not.toContain(`:${url.password}@`);
      url.password = '***';
    }
    expect(res.stdout).toContain(`"${url}"`);
    const unreachable = await cli('db', 'backup', '--db', 'postgres://nobody:secret@127.0.0.1:1/none');
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('无法连接 PostgreSQL postgres://nobody:***@127.0.0.1:1/none');
  });
});

describe('db copy', () => {
  async function copyInto(url: string): Promise<void> {
    const res = await cli('db', 'copy', '--db', sourceFile, '--to', url);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/全部 \d+ 张表一致，共 \d+ 行。/);
    const target = openDb({ url });
    try {
      // Every table, row for row, and the ids handed out next continue after the copied ones.
      const tables = await sqliteTables(source);
      expect(tables.map((t) => t.name)).toEqual(
        expect.arrayContaining(['users', 'entries', 'files', 'reviews', 'similarity_pairs', 'suspect_decisions', 'jobs']),
      );
      expect(tables.findIndex((t) => t.name === 'contests')).toBeLessThan(tables.findIndex((t) => t.name === 'entries'));
      const checks = await compareDatabases(source, target, tables);
      expect(checks.filter((c) => !c.matches)).toEqual([]);
      expect(checks.reduce((n, c) => n + c.targetRows, 0)).toBeGreaterThan(500);
      const maxId = (
        await source
          .selectFrom('audit_log')
          .select((eb) => eb.fn.max('id').as('id'))
          .executeTakeFirstOrThrow()
      ).id!;
      const { id } = await target
        .insertInto('audit_log')
        .values({
          at: nowIso(),
          user_id: null,
          contest_id: null,
          action: 'test',
          subject_type: 'test',
          subject_id: null,
          old_value: null,
          new_value: null,
          reason: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      expect(id).toBe(maxId + 1);

      // A changed row is caught by the checksum, not just the count.
      const audit = tables.find((t) => t.name === 'audit_log')!;
      await target.deleteFrom('audit_log').where('id', '=', id).execute();
      const before = await tableChecksum(target, audit);
      await target.updateTable('reviews').set({ comment: '改过' }).where('id', '=', 1).execute();
      const [reviews] = await compareDatabases(
        source,
        target,
        tables.filter((t) => t.name === 'reviews'),
      );
      expect(reviews).toMatchObject({ table: 'reviews', matches: false });
      expect(reviews.sourceRows).toBe(reviews.targetRows);
      expect((await tableChecksum(target, audit)).sha256).toBe(before.sha256);
    } finally {
      await target.destroy();
    }
    // A target that already holds data is refused, and left as it was.
    const again = await cli('db', 'copy', '--db', sourceFile, '--to', url);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('目标数据库不是空的：表 audit_log 已有');
  }

  it.skipIf(!pg)(
    'moves the whole SQLite installation to a new PostgreSQL database, matching counts and checksums (needs CASEJURY_TEST_PG)',
    async () => {
      const target = await createTestPgDatabase();
      try {
        await copyInto(target.url);
      } finally {
        await target.drop();
      }
    },
  );

  it('copies into another SQLite file the same way', async () => {
    await copyInto(path.join(work, 'copy.db'));
  });

  it('refuses a missing target or a PostgreSQL source with a usage message', async () => {
    const missing = await cli('db', 'copy', '--db', sourceFile);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('需要用 --to 指定目标数据库');
    const fromPg = await cli('db', 'copy', '--db', 'postgres://u:p@127.0.0.1/x', '--to', path.join(work, 'x.db'));
    expect(fromPg.code).toBe(2);
    expect(fromPg.stderr).toContain('源数据库必须是 SQLite 文件');
  });
});
