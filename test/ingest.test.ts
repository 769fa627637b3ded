import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { openMigratedDb, type Db } from '../src/db/connect.ts';
import { testDatabases } from './helpers/db.ts';
import { runCli } from '../src/cli/main.ts';
import { ArchiveRefused, unpackArchive } from '../src/ingest/archive.ts';
import { importPath } from '../src/ingest/import.ts';
import { readSummarySheet } from '../src/ingest/sheet.ts';
import { blobPath, readBlob } from '../src/storage/blobs.ts';
import { caseDocumentSpec, makeDocx } from './helpers/docx.ts';
import { makeRar } from './helpers/rar.ts';
import { writeZip } from './helpers/zip.ts';

// ---------- fixtures ----------

let tmp: string;

/** A new empty folder for one test's files, so runs against each database do not share state. */
const freshDir = (name: string) => fs.mkdtemp(path.join(tmp, `${name}-`));

async function writeFile(root: string, rel: string, data: Buffer | string): Promise<void> {
  const target = path.join(root, ...rel.split('/'));
  await fs.mkdir(path.dirname(target), { recursive: true });
  await fs.writeFile(target, data);
}

/** A contest created the way the rules module would: a contest row and its category rows. */
async function createContest(target: Db): Promise<number> {
  const { id } = await target
    .insertInto('contests')
    .values({
      name: '2024年融合创新应用案例评选',
      rules_yaml: '',
      rules_source: 'test.yaml',
      blind: 1,
      created_by: null,
      created_at: '2024-05-01T00:00:00.000Z',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await target
    .insertInto('categories')
    .values([
      { contest_id: id, key: 'fusion', name: '融合创新应用教学案例', sort_order: 0 },
      { contest_id: id, key: 'resources', name: '精品学习资源', sort_order: 1 },
      { contest_id: id, key: 'school-research', name: '国家中小学智慧教育平台校本研修案例', sort_order: 2 },
    ])
    .execute();
  return id;
}

const TEACHERS = [
  '小学+XX市实验小学+张三',
  '初中-第一中学-李四',
  '高中_育才中学_王五',
  '幼儿园—阳光幼儿园—陈晨',
  '小学 城关镇中心校 欧阳明月',
  '初中+第二中学+刘洋、孙丽',
];
const CATEGORIES = ['融合创新应用教学案例', '精品学习资源', '校本研修案例'];

/** The official layout: one work per teacher, each with a real case document. */
async function makeSubmissionFolder(root: string, works = TEACHERS.length): Promise<string[]> {
  const folders: string[] = [];
  for (let i = 0; i < works; i++) {
    const teacher = TEACHERS[i % TEACHERS.length] + (i >= TEACHERS.length ? String.fromCharCode(0x7532 + i) : '');
    const title = `智慧教育平台应用案例第${i + 1}号`;
    const folder = `${teacher}/${CATEGORIES[i % CATEGORIES.length]}/${title}`;
    await writeFile(root, `${folder}/案例介绍.docx`, await makeDocx(caseDocumentSpec(title, i + 1, 600)));
    folders.push(folder);
  }
  return folders;
}

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'casejury-ingest-'));
  process.env.CASEJURY_DATA = path.join(tmp, 'data');
});

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe.each(testDatabases)('importPath on $name', ({ open }) => {
  let db: Db;
  let contestId: number;
  const count = async (table: 'entries' | 'files' | 'authors' | 'import_items' | 'audit_log') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeEach(async () => {
    db = await open();
    contestId = await createContest(db);
  });
  afterEach(() => db.destroy());

  it('imports good documents with text and stores bad files with a Chinese reason', async () => {
    const root = await freshDir('folder-mixed');
    const folders = await makeSubmissionFolder(root);
    const [zhang, li, wang, chen] = folders;
    const good = await makeDocx({ title: '支撑材料说明', sections: [{ heading: '说明', paragraphs: ['这是一份正常的文档。'] }] });
    await writeFile(root, `${zhang}/研修总结报告.docx`, good.subarray(0, Math.floor(good.length / 2)));
    await writeFile(root, `${li}/作品登记表.pdf`, Buffer.alloc(0));
    await writeFile(root, `${wang}/~$案例介绍.docx`, Buffer.from('锁定文件'));
    await writeFile(root, `${wang}/.DS_Store`, Buffer.from([0, 0, 0, 1]));
    await writeFile(root, `${chen}/教学设计.docx`, writeZip([{ name: 'readme.txt', data: Buffer.from('not word') }]));

    const summary = await importPath(db, contestId, root);

    expect(summary).toMatchObject({ imported: 6, unchanged: 0, skipped: 2 });
    expect(summary.errors).toEqual(
      expect.arrayContaining([
        { path: `${zhang}/研修总结报告.docx`, message: '不是有效的 Word 文档（.docx）：文件已损坏' },
        { path: `${li}/作品登记表.pdf`, message: '空文件（0 字节）' },
        { path: `${chen}/教学设计.docx`, message: '不是有效的 Word 文档（.docx）：这是一个 ZIP 压缩包，不是 Word 文件' },
      ]),
    );
    expect(summary.errors).toHaveLength(3);

    const entries = await db.selectFrom('entries').selectAll().orderBy('code').execute();
    expect(entries.map((e) => e.code)).toEqual(['C2024-0001', 'C2024-0002', 'C2024-0003', 'C2024-0004', 'C2024-0005', 'C2024-0006']);
    const zhangEntry = entries.find((e) => e.source_path === zhang)!;
    expect(zhangEntry).toMatchObject({
      title: '智慧教育平台应用案例第1号',
      group_name: '小学',
      status: 'submitted',
      category_label: '融合创新应用教学案例',
    });
    const fusion = await db.selectFrom('categories').select('id').where('key', '=', 'fusion').executeTakeFirstOrThrow();
    expect(zhangEntry.category_id).toBe(fusion.id);
    // 校本研修案例 is contained in the category's full name.
    const research = await db.selectFrom('categories').select('id').where('key', '=', 'school-research').executeTakeFirstOrThrow();
    expect(entries.find((e) => e.source_path === wang)!.category_id).toBe(research.id);

    const authors = await db
      .selectFrom('authors')
      .selectAll()
      .where('entry_id', '=', entries.find((e) => e.source_path === folders[5])!.id)
      .orderBy('position')
      .execute();
    expect(authors.map((a) => [a.name, a.unit])).toEqual([
      ['刘洋', '第二中学'],
      ['孙丽', '第二中学'],
    ]);

    const files = await db.selectFrom('files').selectAll().execute();
    expect(files).toHaveLength(6 + 3); // six case documents and the three bad files; lock and system files are not stored
    for (const doc of files.filter((f) => f.original_path === '案例介绍.docx')) {
      expect(doc.kind).toBe('案例介绍');
      expect(doc.error).toBeNull();
      expect(doc.text!.length).toBeGreaterThan(500);
      expect(doc.html).toMatch(/^<h1>智慧教育平台应用案例第\d号<\/h1><h2>一、基本情况<\/h2>/);
      expect(await readBlob(doc.sha256)).toHaveLength(doc.size);
    }
    const broken = files.find((f) => f.original_path === '研修总结报告.docx')!;
    expect(broken).toMatchObject({ text: null, error: '不是有效的 Word 文档（.docx）：文件已损坏', kind: '总结报告' });
    // Nothing stored is lost: the damaged bytes are kept as submitted.
    expect((await fs.readFile(blobPath(broken.sha256))).length).toBe(broken.size);
    const empty = files.find((f) => f.original_path === '作品登记表.pdf')!;
    expect(empty).toMatchObject({ size: 0, kind: '信息表', error: '空文件（0 字节）' });

    const batch = await db.selectFrom('import_batches').selectAll().executeTakeFirstOrThrow();
    expect(batch).toMatchObject({ status: 'done', imported: 6, skipped: 2, error_count: 3 });
    expect(await count('audit_log')).toBe(1);
  });

  it('changes nothing when the same content is imported again', async () => {
    const root = await freshDir('folder-twice');
    await makeSubmissionFolder(root);
    await writeFile(root, `${TEACHERS[0]}/${CATEGORIES[0]}/智慧教育平台应用案例第1号/坏.docx`, Buffer.from('坏文件'));
    const first = await importPath(db, contestId, root);
    const snapshot = {
      entries: await db.selectFrom('entries').selectAll().orderBy('id').execute(),
      files: await db.selectFrom('files').selectAll().orderBy('id').execute(),
      authors: await count('authors'),
    };

    const second = await importPath(db, contestId, root);

    expect(first).toMatchObject({ imported: 6, unchanged: 0 });
    expect(second).toMatchObject({ imported: 0, unchanged: 6, errors: first.errors });
    expect(second.batchId).not.toBe(first.batchId);
    expect(await db.selectFrom('entries').selectAll().orderBy('id').execute()).toEqual(snapshot.entries);
    expect(await db.selectFrom('files').selectAll().orderBy('id').execute()).toEqual(snapshot.files);
    expect(await count('authors')).toBe(snapshot.authors);
    expect(await count('audit_log')).toBe(2);
  });

  it('updates an entry whose files changed and keeps its code', async () => {
    const root = await freshDir('folder-changed');
    const [first] = await makeSubmissionFolder(root, 2);
    await importPath(db, contestId, root);
    const before = await db.selectFrom('entries').selectAll().where('source_path', '=', first).executeTakeFirstOrThrow();
    await writeFile(
      root,
      `${first}/案例介绍.docx`,
      await makeDocx({ title: '修改后的案例', sections: [{ heading: '基本情况', paragraphs: ['新的内容。'] }] }),
    );
    await writeFile(root, `${first}/支撑材料/活动照片.jpg`, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]));

    const summary = await importPath(db, contestId, root);

    expect(summary).toMatchObject({ imported: 1, unchanged: 1 });
    const after = await db.selectFrom('entries').selectAll().where('source_path', '=', first).executeTakeFirstOrThrow();
    expect(after.code).toBe(before.code);
    const files = await db
      .selectFrom('files')
      .select(['original_path', 'kind', 'text'])
      .where('entry_id', '=', after.id)
      .orderBy('original_path')
      .execute();
    expect(files).toEqual([
      { original_path: '支撑材料/活动照片.jpg', kind: '支撑材料', text: null },
      { original_path: '案例介绍.docx', kind: '案例介绍', text: expect.stringContaining('新的内容。') },
    ]);
  });

  it('resumes after a crash midway without duplicates', async () => {
    const root = await freshDir('folder-crash');
    await makeSubmissionFolder(root, 10);
    const crash = new Error('模拟进程中断');
    await expect(
      importPath(db, contestId, root, {
        onProgress: (done) => {
          if (done === 4) throw crash;
        },
      }),
    ).rejects.toBe(crash);
    expect(await count('entries')).toBe(4);
    const failed = await db.selectFrom('import_batches').selectAll().executeTakeFirstOrThrow();
    expect(failed.status).toBe('failed');

    const progress: number[] = [];
    const summary = await importPath(db, contestId, root, { onProgress: (done) => void progress.push(done) });

    expect(summary).toMatchObject({ batchId: failed.id, imported: 10, unchanged: 0, errors: [] });
    expect(progress).toEqual([4, 5, 6, 7, 8, 9, 10]);
    const entries = await db.selectFrom('entries').select(['code', 'source_path']).orderBy('code').execute();
    expect(entries).toHaveLength(10);
    expect(new Set(entries.map((e) => e.source_path)).size).toBe(10);
    expect(entries.map((e) => e.code)).toEqual(Array.from({ length: 10 }, (_, i) => `C2024-${String(i + 1).padStart(4, '0')}`));
    expect(await count('import_items')).toBe(10);
    expect(await count('files')).toBe(10);
    expect(await count('audit_log')).toBe(1);
  });

  it('keeps an unmatched category label and reports it', async () => {
    const root = await freshDir('folder-unknown-category');
    await writeFile(
      root,
      '小学+A小学+张三/自制教学工具软件/拼音小助手/设计说明.docx',
      await makeDocx(caseDocumentSpec('拼音小助手', 7, 300)),
    );
    const summary = await importPath(db, contestId, root);
    expect(summary.errors).toEqual([
      {
        path: '小学+A小学+张三/自制教学工具软件/拼音小助手',
        message: '参赛项目「自制教学工具软件」与本竞赛的类别都对不上，已保留原名称，请人工归类',
      },
    ]);
    const entry = await db.selectFrom('entries').selectAll().executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ category_id: null, category_label: '自制教学工具软件', title: '拼音小助手' });
  });

  async function writeSheet(file: string, rows: (string | number | null)[][]): Promise<void> {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('汇总表');
    sheet.addRow(['2024年教师教育信息化交流活动汇总表']);
    for (const row of rows) sheet.addRow(row);
    await workbook.xlsx.writeFile(file);
  }

  it('imports a .zip whose Chinese names are GBK without the UTF-8 flag', async () => {
    const gbk = (s: string) => iconv.encode(s, 'gbk');
    const doc = await makeDocx(caseDocumentSpec('古诗教学', 3, 400));
    const zipFile = path.join(await freshDir('gbk'), '区级汇总.zip');
    await fs.writeFile(
      zipFile,
      writeZip([
        { name: gbk('小学+XX市实验小学+张三/融合创新应用教学案例/古诗教学/案例介绍.docx'), data: doc, deflate: true },
        { name: gbk('小学+XX市实验小学+张三/融合创新应用教学案例/古诗教学/作品登记表.pdf'), data: Buffer.alloc(0) },
        { name: '初中-第一中学-李四/精品学习资源/物理实验微课/说明文档.docx', data: doc, utf8Flag: true, deflate: true },
        { name: gbk('__MACOSX/小学+XX市实验小学+张三/._案例介绍.docx'), data: Buffer.from('x') },
      ]),
    );

    const summary = await importPath(db, contestId, zipFile);

    expect(summary).toMatchObject({ imported: 2, skipped: 1 });
    expect(summary.errors).toEqual([
      { path: '小学+XX市实验小学+张三/融合创新应用教学案例/古诗教学/作品登记表.pdf', message: '空文件（0 字节）' },
    ]);
    const entries = await db.selectFrom('entries').select(['title', 'group_name', 'source_path']).orderBy('code').execute();
    expect(entries).toEqual([
      { title: '物理实验微课', group_name: '初中', source_path: '初中-第一中学-李四/精品学习资源/物理实验微课' },
      { title: '古诗教学', group_name: '小学', source_path: '小学+XX市实验小学+张三/融合创新应用教学案例/古诗教学' },
    ]);
    const doc1 = await db.selectFrom('files').select(['text']).where('original_path', '=', '案例介绍.docx').executeTakeFirstOrThrow();
    expect(doc1.text).toContain('古诗教学');
    // Temporary unpacked files are removed afterwards.
    expect(await fs.readdir(path.join(tmp, 'data', 'tmp'))).toEqual([]);
  });

  it('refuses a zip-slip archive and writes nothing outside the target', async () => {
    const zipFile = path.join(await freshDir('slip'), 'slip.zip');
    await fs.writeFile(
      zipFile,
      writeZip([
        { name: '小学+A小学+张三/精品学习资源/作品/说明.docx', data: Buffer.from('ok') },
        { name: '../../evil.txt', data: Buffer.from('owned') },
      ]),
    );
    await expect(importPath(db, contestId, zipFile)).rejects.toThrow(
      '压缩包「slip.zip」中有不安全的路径「../../evil.txt」（指向解压目录之外），已拒绝解压',
    );
    expect(await count('entries')).toBe(0);
    await expect(fs.access(path.join(tmp, 'evil.txt'))).rejects.toThrow();
    await expect(fs.access(path.join(tmp, 'data', 'evil.txt'))).rejects.toThrow();

    for (const unsafe of ['/etc/evil.txt', 'C:\\Windows\\evil.txt', 'a\\..\\..\\evil.txt']) {
      const file = path.join(tmp, 'slip2.zip');
      await fs.writeFile(file, writeZip([{ name: unsafe, data: Buffer.from('x') }]));
      await expect(unpackArchive(file, path.join(tmp, 'slip-target'))).rejects.toThrow(/不安全的路径/);
    }
  });

  it('keeps a zip inside a submission as a file but unpacks packed teacher folders', async () => {
    const root = await freshDir('packed-teachers');
    const doc = await makeDocx(caseDocumentSpec('古诗教学', 5, 300));
    const inner = writeZip([{ name: '照片.jpg', data: Buffer.from([0xff, 0xd8, 0xff]) }]);
    await writeFile(
      root,
      '小学+A小学+张三.zip',
      writeZip([
        { name: '融合创新应用教学案例/古诗教学/案例介绍.docx', data: doc },
        { name: '融合创新应用教学案例/古诗教学/支撑材料.zip', data: inner },
      ]),
    );
    await writeFile(
      root,
      '初中-B中学-李四.rar',
      makeRar([
        { name: '初中-B中学-李四/精品学习资源/物理实验微课/说明文档.docx', data: doc },
        { name: '初中-B中学-李四/精品学习资源/物理实验微课/信息表.pdf', data: Buffer.alloc(0) },
      ]),
    );

    const summary = await importPath(db, contestId, root);

    expect(summary.imported).toBe(2);
    const rows = await db
      .selectFrom('files')
      .innerJoin('entries', 'entries.id', 'files.entry_id')
      .select(['entries.source_path', 'files.original_path', 'files.kind'])
      .orderBy('files.original_path')
      .execute();
    expect(rows).toEqual(
      expect.arrayContaining([
        { source_path: '小学+A小学+张三/融合创新应用教学案例/古诗教学', original_path: '支撑材料.zip', kind: '支撑材料' },
        { source_path: '初中-B中学-李四/初中-B中学-李四/精品学习资源/物理实验微课', original_path: '说明文档.docx', kind: '案例介绍' },
      ]),
    );
    expect(summary.errors).toEqual([
      { path: '初中-B中学-李四/初中-B中学-李四/精品学习资源/物理实验微课/信息表.pdf', message: '空文件（0 字节）' },
    ]);
  });

  it('imports entries from an .xlsx beside their folders and reports bad rows by number', async () => {
    const root = await freshDir('sheet-import');
    const doc = await makeDocx(caseDocumentSpec('古诗教学', 11, 300));
    await writeFile(root, '0001-古诗教学/案例介绍.docx', doc);
    await writeFile(root, '物理实验微课/说明文档.docx', doc);
    const sheetFile = path.join(root, '汇总表.xlsx');
    await writeSheet(sheetFile, [
      ['序号', '作品编号', '作品名称', '参赛项目', '学段', '作者', '单位', '区县', '联系电话', '文件夹'],
      [1, '0001', '古诗教学', '融合创新应用教学案例', '小学', '张三、李四', 'XX市实验小学', '桥西区', '13800000001', '0001-古诗教学'],
      [2, '0002', '物理实验微课', '精品学习资源', '初中', '王五', '第一中学', '桥东区', '13800000002', null],
      [3, '0003', null, '精品学习资源', '初中', '赵六', '第二中学', '桥东区', null, null],
      [4, '0004', '没有文件的作品', '精品学习资源', '高中', '孙七', '育才中学', '新华区', null, null],
    ]);

    const summary = await importPath(db, contestId, sheetFile);

    expect(summary.imported).toBe(3);
    expect(summary.errors).toEqual([
      { path: '汇总表.xlsx 第 5 行', message: '缺少作品名称，此行未导入' },
      { path: '汇总表.xlsx 第 6 行', message: '未找到作品「没有文件的作品」的文件，已导入表中信息，请补交文件' },
    ]);
    const entries = await db.selectFrom('entries').select(['id', 'code', 'title', 'group_name', 'source_path']).orderBy('code').execute();
    expect(entries.map((e) => [e.code, e.title, e.source_path])).toEqual([
      ['0001', '古诗教学', '0001-古诗教学'],
      ['0002', '物理实验微课', '物理实验微课'],
      ['0004', '没有文件的作品', '汇总表.xlsx#0004'],
    ]);
    const authors = await db.selectFrom('authors').selectAll().where('entry_id', '=', entries[0].id).orderBy('position').execute();
    expect(authors.map((a) => [a.name, a.unit, a.county, a.phone])).toEqual([
      ['张三', 'XX市实验小学', '桥西区', '13800000001'],
      ['李四', 'XX市实验小学', '桥西区', null],
    ]);
    expect(await count('files')).toBe(2);
  });
});

describe('archives and sheets on their own', () => {
  it('refuses zip bombs and archives beyond the limits', async () => {
    const bomb = path.join(tmp, 'bomb.zip');
    await fs.writeFile(bomb, writeZip([{ name: 'zeros.txt', data: Buffer.alloc(20 * 1024 * 1024), deflate: true }]));
    await expect(unpackArchive(bomb, path.join(tmp, 'bomb-target'))).rejects.toThrow(/压缩比异常（\d+:1，上限 200:1），疑似压缩炸弹/);
    await expect(fs.access(path.join(tmp, 'bomb-target'))).rejects.toThrow();

    const many = path.join(tmp, 'many.zip');
    await fs.writeFile(many, writeZip(Array.from({ length: 5 }, (_, i) => ({ name: `f${i}.txt`, data: Buffer.from('x') }))));
    await expect(unpackArchive(many, path.join(tmp, 'many-target'), { maxFiles: 4 })).rejects.toThrow(
      '压缩包「many.zip」内文件过多（5 个，上限 4 个），已拒绝解压',
    );
    await expect(unpackArchive(many, path.join(tmp, 'many-target'), { maxTotalBytes: 4 })).rejects.toBeInstanceOf(ArchiveRefused);
  });

  it('refuses a rar with an unsafe path', async () => {
    const rar = path.join(tmp, 'slip.rar');
    await fs.writeFile(rar, makeRar([{ name: '../evil.txt', data: Buffer.from('owned') }]));
    await expect(unpackArchive(rar, path.join(tmp, 'rar-target'))).rejects.toThrow(
      '压缩包「slip.rar」中有不安全的路径「../evil.txt」（指向解压目录之外），已拒绝解压',
    );
    await expect(fs.access(path.join(tmp, 'evil.txt'))).rejects.toThrow();
  });

  it('reads a GBK .csv with numbered author columns', async () => {
    const file = path.join(tmp, '推荐汇总表.csv');
    const csv = [
      '作品名称,类别,组别,第一作者,第二作者,学校,手机',
      '"校本研修,我们这样做",校本研修案例,小学,张三,李四,实验小学,13900000000',
      ',,,,,,',
    ].join('\r\n');
    await fs.writeFile(file, iconv.encode(csv, 'gbk'));
    const sheet = await readSummarySheet(file);
    expect(sheet.problems).toEqual([]);
    expect(sheet.rows).toEqual([
      {
        row: 2,
        code: null,
        sourceCode: null,
        recommender: null,
        title: '校本研修,我们这样做',
        categoryLabel: '校本研修案例',
        group: '小学',
        folder: null,
        authors: [
          { name: '张三', unit: '实验小学', county: null, phone: '13900000000' },
          { name: '李四', unit: '实验小学', county: null, phone: null },
        ],
      },
    ]);
  });
});

describe('CLI', () => {
  it('import --json prints the summary and entries lists what was imported', async () => {
    const dbFile = path.join(tmp, 'cli.db');
    const fileDb = await openMigratedDb(dbFile);
    const id = await createContest(fileDb);
    await fileDb.destroy();
    const root = path.join(tmp, 'cli-folder');
    await makeSubmissionFolder(root, 3);
    await writeFile(root, `${TEACHERS[0]}/${CATEGORIES[0]}/智慧教育平台应用案例第1号/空.docx`, Buffer.alloc(0));

    const output: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      output.push(String(chunk));
      return true;
    });
    let code: number;
    try {
      code = await runCli(['import', String(id), root, '--json', '--db', dbFile]);
    } finally {
      spy.mockRestore();
    }
    expect(code).toBe(0);
    const summary = JSON.parse(output.join(''));
    expect(summary).toEqual({
      batchId: 1,
      imported: 3,
      skipped: 0,
      unchanged: 0,
      errors: [{ path: `${TEACHERS[0]}/${CATEGORIES[0]}/智慧教育平台应用案例第1号/空.docx`, message: '空文件（0 字节）' }],
      ocrPending: 0,
      ocr: null,
      errorCount: 1,
    });

    output.length = 0;
    const spy2 = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      output.push(String(chunk));
      return true;
    });
    try {
      code = await runCli(['entries', String(id), '--category', 'fusion', '--json', '--db', dbFile]);
    } finally {
      spy2.mockRestore();
    }
    expect(code).toBe(0);
    const listed = JSON.parse(output.join(''));
    expect(listed).toEqual([
      expect.objectContaining({
        code: 'C2024-0003',
        title: '智慧教育平台应用案例第1号',
        category: { key: 'fusion', name: '融合创新应用教学案例' },
        group: '小学',
        status: 'submitted',
        authors: [{ name: '张三', unit: 'XX市实验小学' }],
        files: 2,
        fileErrors: 1,
      }),
    ]);
  });
});
