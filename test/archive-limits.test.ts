import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveLimitsFromEnv } from '../src/config.ts';
import { createContest } from '../src/contests/index.ts';
import { type Db, isPostgresUrl, migrateToLatest, openDb } from '../src/db/connect.ts';
import { migrationProvider } from '../src/db/migrations/index.ts';
import { ArchiveRefused, UnpackBudget, unpackArchive } from '../src/ingest/archive.ts';
import { importPath } from '../src/ingest/import.ts';
import { LocalBlobStore } from '../src/storage/blobs.ts';
import { createTestPgDatabase, testDatabases } from './helpers/db.ts';
import { makeRar } from './helpers/rar.ts';
import { writeZip } from './helpers/zip.ts';

/**
 * Issue 15: archive limits that hold. Every limit is checked on what an archive declares before
 * anything is written, and on every chunk while it is written; a refused archive leaves nothing.
 */

let tmp: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'casejury-archive-limits-'));
});
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

const MiB = 1024 ** 2;

/** The attack of the issue: many files just under 1 MiB of zeros each, in the official layout. */
const zeros = Buffer.alloc(MiB - 1);
const zerosBomb = (files: number): Buffer =>
  writeZip(
    Array.from({ length: files }, (_, i) => ({
      name: `小学+第${i}小学+张${i}/区域研修应用案例/案例${i}/案例介绍.txt`,
      data: zeros,
      deflate: true,
      utf8Flag: true,
    })),
  );

async function refusal(work: Promise<unknown>): Promise<ArchiveRefused> {
  const err = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ArchiveRefused);
  return err as ArchiveRefused;
}

const exists = (p: string) =>
  fs.access(p).then(
    () => true,
    () => false,
  );

describe('unpacking within limits', () => {
  it('refuses a 1 MB zip of a thousand sub-MiB files of zeros before writing any of them', async () => {
    const file = path.join(tmp, '县级汇总.zip');
    const zip = zerosBomb(1000);
    expect(zip.length).toBeLessThan(2 * MiB);
    await fs.writeFile(file, zip);
    const target = path.join(tmp, 'zeros');
    const err = await refusal(unpackArchive(file, target));
    expect(err.message).toMatch(
      /^压缩包「县级汇总\.zip」中「小学\+第0小学\+张0\/.*案例介绍\.txt」的压缩比异常（\d+:1，上限 200:1），疑似压缩炸弹，已拒绝解压$/,
    );
    expect(err.wholeImport).toBe(true);
    expect(await exists(target)).toBe(false);
  });

  it('refuses files that together pass the total, naming the figure and the limit, before writing any', async () => {
    const file = path.join(tmp, 'total.zip');
    await fs.writeFile(
      file,
      writeZip(Array.from({ length: 5 }, (_, i) => ({ name: `f${i}.bin`, data: crypto.randomBytes(300 * 1024), deflate: true }))),
    );
    const target = path.join(tmp, 'total');
    const err = await refusal(unpackArchive(file, target, { maxTotalBytes: MiB }));
    expect(err.message).toBe('压缩包「total.zip」解压后共 1.5 MB，超过解压总量的上限 1 MB，已拒绝解压');
    expect(await exists(target)).toBe(false);
  });

  it('counts the archives of one import against one budget: the second package past it is refused', async () => {
    const budget = new UnpackBudget({ maxFiles: 100, maxFileBytes: MiB, maxTotalBytes: 500 * 1024, maxRatio: 200 });
    const one = path.join(tmp, 'one.zip');
    await fs.writeFile(one, writeZip([{ name: 'a.bin', data: crypto.randomBytes(300 * 1024) }]));
    await unpackArchive(one, path.join(tmp, 'one'), {}, budget);
    expect(budget.bytesLeft).toBe(200 * 1024);
    const err = await refusal(unpackArchive(one, path.join(tmp, 'two'), {}, budget));
    expect(err.message).toBe('压缩包「one.zip」解压后共 300 KB，超过解压总量的上限 500 KB（本次导入已解压 300 KB），已拒绝解压');
  });

  it('refuses a file over the per-file limit (the archive only, not the import)', async () => {
    const file = path.join(tmp, 'video.zip');
    await fs.writeFile(file, writeZip([{ name: '课堂实录.mp4', data: crypto.randomBytes(200 * 1024) }]));
    const err = await refusal(unpackArchive(file, path.join(tmp, 'video'), { maxFileBytes: 100 * 1024 }));
    expect(err.message).toBe('压缩包「video.zip」中的「课堂实录.mp4」解压后有 200 KB，超过单个文件的上限 100 KB，已拒绝解压');
    expect(err.wholeImport).toBe(false);
  });

  it('writes no byte past what a zip header declares', async () => {
    const file = path.join(tmp, 'liar.zip');
    const data = Buffer.alloc(5 * MiB, 'a');
    await fs.writeFile(file, writeZip([{ name: '说明.txt', data, deflate: true, declaredSize: 100 * 1024 }]));
    const target = path.join(tmp, 'liar');
    const result = await unpackArchive(file, target);
    expect(result.files).toEqual([]);
    expect(result.problems).toEqual([{ path: '说明.txt', message: '压缩包中的此文件已损坏，无法解压' }]);
    expect(await fs.readdir(target)).toEqual([]);
  });

  it('holds the same limits for rar: per file, total, and every chunk unrar writes', async () => {
    const big = path.join(tmp, 'big.rar');
    await fs.writeFile(big, makeRar([{ name: '视频.mp4', data: crypto.randomBytes(200 * 1024) }]));
    expect((await refusal(unpackArchive(big, path.join(tmp, 'rar-big'), { maxFileBytes: 100 * 1024 }))).message).toBe(
      '压缩包「big.rar」中的「视频.mp4」解压后有 200 KB，超过单个文件的上限 100 KB，已拒绝解压',
    );
    const many = path.join(tmp, 'many.rar');
    await fs.writeFile(many, makeRar(Array.from({ length: 4 }, (_, i) => ({ name: `${i}.bin`, data: crypto.randomBytes(100 * 1024) }))));
    expect((await refusal(unpackArchive(many, path.join(tmp, 'rar-many'), { maxTotalBytes: 300 * 1024 }))).message).toBe(
      '压缩包「many.rar」解压后共 400 KB，超过解压总量的上限 300 KB，已拒绝解压',
    );
    // A header that understates the size: unrar is stopped at the declared size, nothing more is written.
    const liar = path.join(tmp, 'liar.rar');
    await fs.writeFile(liar, makeRar([{ name: '说明.txt', data: crypto.randomBytes(512 * 1024), declaredSize: 1024 }]));
    const target = path.join(tmp, 'rar-liar');
    expect(await unpackArchive(liar, target)).toEqual({
      files: [],
      problems: [{ path: '说明.txt', message: 'RAR 压缩包中的文件已损坏，无法解压' }],
    });
    expect(await fs.readdir(target)).toEqual([]);
  });

  it('reads the limits from the environment and names a bad value', () => {
    expect(archiveLimitsFromEnv({ CASEJURY_ARCHIVE_FILE_MB: '700', CASEJURY_CONTEST_MAX_GB: '0.5' })).toEqual({
      maxFileBytes: 700 * MiB,
      maxTotalBytes: 512 * MiB,
    });
    expect(() => archiveLimitsFromEnv({ CASEJURY_ARCHIVE_MAX_RATIO: '-1' })).toThrow('环境变量 CASEJURY_ARCHIVE_MAX_RATIO 应为正数：-1');
  });
});

describe.each(testDatabases)('imports within the contest’s allowance ($name)', ({ open }) => {
  let db: Db;
  let blobs: LocalBlobStore;
  let dataHome: string;
  beforeAll(async () => {
    db = await open();
    dataHome = await fs.mkdtemp(path.join(tmp, 'data-'));
    process.env.CASEJURY_DATA = dataHome;
    blobs = new LocalBlobStore(path.join(dataHome, 'files'));
  });
  afterAll(async () => {
    delete process.env.CASEJURY_DATA;
    await db.destroy();
  });

  const contest = async () =>
    createContest(db, {
      rulesYaml: await fs.readFile('rules/2024-platform-cases-teacher-training.yaml', 'utf8'),
      rulesSource: 'x.yaml',
      userId: null,
    });
  const leftovers = async () => [...(await fs.readdir(path.join(dataHome, 'tmp')))];
  const stored = async () => ((await exists(path.join(dataHome, 'files'))) ? await fs.readdir(path.join(dataHome, 'files')) : []);

  it('refuses a nested zip bomb as a whole import: nothing stored, nothing left in data/', async () => {
    const id = await contest();
    const root = await fs.mkdtemp(path.join(tmp, 'nested-'));
    // A county's folder of teachers' packages, every package a bomb.
    for (let i = 0; i < 3; i++) await fs.writeFile(path.join(root, `小学+第${i}小学+张${i}.zip`), zerosBomb(50));
    const before = await stored();
    const err = await refusal(importPath(db, id, root, { blobs }));
    expect(err.message).toMatch(/^压缩包「小学\+第0小学\+张0\.zip」中「.*」的压缩比异常（\d+:1，上限 200:1），疑似压缩炸弹，已拒绝解压$/);
    expect(await db.selectFrom('entries').select('id').where('contest_id', '=', id).execute()).toEqual([]);
    expect(await leftovers()).toEqual([]);
    expect(await stored()).toEqual(before);
  });

  it('refuses an import past what is left of the contest’s allowance, counting what the contest stores', async () => {
    const id = await contest();
    const root = await fs.mkdtemp(path.join(tmp, 'allowance-'));
    const first = path.join(root, 'first.zip');
    await fs.writeFile(
      first,
      writeZip([{ name: '小学+甲小学+王老师/区域研修应用案例/第一件/课堂实录.mp4', data: crypto.randomBytes(600 * 1024), utf8Flag: true }]),
    );
    expect((await importPath(db, id, first, { blobs, archiveLimits: { maxTotalBytes: MiB } })).imported).toBe(1);
    const second = path.join(root, 'second.zip');
    await fs.writeFile(
      second,
      writeZip([{ name: '小学+乙小学+李老师/区域研修应用案例/第二件/课堂实录.mp4', data: crypto.randomBytes(600 * 1024), utf8Flag: true }]),
    );
    const err = await refusal(importPath(db, id, second, { blobs, archiveLimits: { maxTotalBytes: MiB } }));
    expect(err.message).toBe(
      '压缩包「second.zip」解压后共 600 KB，超过本竞赛剩余的存储额度 424 KB（每个竞赛上限 1 MB，已存 600 KB），已拒绝解压',
    );
    expect(await db.selectFrom('entries').select('title').where('contest_id', '=', id).execute()).toEqual([{ title: '第一件' }]);
    expect(await leftovers()).toEqual([]);
  });

  it('keeps one damaged or oversized teacher package as that entry’s problem and imports the rest', async () => {
    const id = await contest();
    const root = await fs.mkdtemp(path.join(tmp, 'packages-'));
    await fs.writeFile(
      path.join(root, '小学+甲小学+王老师.zip'),
      writeZip([{ name: '区域研修应用案例/第一件/案例介绍.txt', data: Buffer.from('案例正文。'.repeat(200)), utf8Flag: true }]),
    );
    await fs.writeFile(
      path.join(root, '小学+乙小学+李老师.zip'),
      writeZip([{ name: '区域研修应用案例/第二件/课堂实录.mp4', data: crypto.randomBytes(300 * 1024), utf8Flag: true }]),
    );
    const summary = await importPath(db, id, root, { blobs, archiveLimits: { maxFileBytes: 200 * 1024 } });
    expect(summary.imported).toBe(1);
    expect(summary.errors).toContainEqual({
      path: '小学+乙小学+李老师.zip',
      message:
        '压缩包「小学+乙小学+李老师.zip」中的「区域研修应用案例/第二件/课堂实录.mp4」解压后有 300 KB，超过单个文件的上限 200 KB，已拒绝解压',
    });
    expect(await leftovers()).toEqual([]);
  });

  it('records each problem once, however many entries have them, and lists the first of them with the total', async () => {
    const id = await contest();
    const root = await fs.mkdtemp(path.join(tmp, 'problems-'));
    for (let i = 0; i < 30; i++) {
      const dir = path.join(root, `小学+第${i}小学+张${i}`, '区域研修应用案例', `作品${i}`);
      await fs.mkdir(dir, { recursive: true });
      await fs.writeFile(path.join(dir, '案例介绍.docx'), Buffer.from('这不是 Word 文件'));
    }
    const summary = await importPath(db, id, root, { blobs });
    expect(summary.imported).toBe(30);
    expect(summary.errorCount).toBe(30);
    expect(summary.errors).toHaveLength(30);
    const batch = await db.selectFrom('import_batches').select(['error_count']).where('id', '=', summary.batchId).executeTakeFirstOrThrow();
    expect(batch.error_count).toBe(30);
    const rows = await db.selectFrom('import_problems').select('path').where('batch_id', '=', summary.batchId).execute();
    expect(new Set(rows.map((r) => r.path)).size).toBe(30);
  });
});

describe.each(testDatabases.map((d) => d.name))('upgrading a database with stored import problems (%s)', (name) => {
  it('moves each batch’s JSON list of problems into rows, in order, and drops the list', async () => {
    const pg = name === 'postgres' ? await createTestPgDatabase() : null;
    const url = pg?.url ?? path.join(tmp, `upgrade-${crypto.randomBytes(4).toString('hex')}.db`);
    const db = openDb({ url });
    try {
      const migrator = new Migrator({ db, provider: migrationProvider });
      expect((await migrator.migrateTo('012_contest_members')).error).toBeUndefined();
      const contest = await sql<{ id: number }>`INSERT INTO contests (name, rules_yaml, rules_source, blind, created_at)
        VALUES ('旧竞赛', '', 'x.yaml', 0, '2024-01-01T00:00:00Z') RETURNING id`.execute(db);
      const problems = JSON.stringify([
        { path: 'a/案例介绍.docx', message: '空文件（0 字节）' },
        { path: '汇总表.xlsx 第 3 行', message: '缺少作品名称，此行未导入' },
      ]);
      await sql`INSERT INTO import_batches (contest_id, source, status, imported, skipped, error_count, errors_json, started_at)
        VALUES (${contest.rows[0].id}, '/x', 'done', 1, 0, 2, ${problems}, '2024-01-01T00:00:00Z')`.execute(db);
      await migrateToLatest(db);
      expect(await db.selectFrom('import_problems').select(['entry_key', 'path', 'message']).orderBy('id').execute()).toEqual([
        { entry_key: null, path: 'a/案例介绍.docx', message: '空文件（0 字节）' },
        { entry_key: null, path: '汇总表.xlsx 第 3 行', message: '缺少作品名称，此行未导入' },
      ]);
      const columns = isPostgresUrl(url)
        ? (
            await sql<{
              name: string;
            }>`SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'import_batches'`.execute(db)
          ).rows
        : (await sql<{ name: string }>`SELECT name FROM pragma_table_info('import_batches')`.execute(db)).rows;
      expect(columns.map((c) => c.name)).not.toContain('errors_json');
    } finally {
      await db.destroy();
      await pg?.drop();
    }
  });
});
