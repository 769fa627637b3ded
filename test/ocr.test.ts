import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createContest } from '../src/contests/index.ts';
import type { Db } from '../src/db/connect.ts';
import { eligibilityChecks } from '../src/db/columns.ts';
import { runChecks } from '../src/eligibility/store/run.ts';
import { importPath } from '../src/ingest/import.ts';
import { runPendingOcr } from '../src/ingest/ocr-run.ts';
import { ocrDocument } from '../src/ingest/extract/ocr.ts';
import { LocalBlobStore } from '../src/storage/blobs.ts';
import { testDatabases } from './helpers/db.ts';
import { DOCUMENT_FIXTURES, documentSource, hanRecall } from './helpers/documents.ts';

/**
 * Scans read by OCR (tesseract-ocr with chi_sim, installed by .ci/run): the signed 登记表 every
 * entry of the 2024 信息化交流 notice hands in as a PDF scan, read and held against the entry.
 */
const FIXTURES = DOCUMENT_FIXTURES;
const RULES = 'rules/2024-district-info-teaching-exchange.yaml';
const source = documentSource;
const TITLE = source.registration.title;
/** What the form says, as LibreOffice printed it (see scripts/make-document-fixtures.ts). */
const FORM_TEXT = [
  '智慧教育平台应用典型案例登记表',
  `作品名称${TITLE}`,
  `作者姓名${source.registration.author}`,
  `工作单位${source.registration.unit}`,
  '学段学科小学语文',
  '联系电话13800000000',
  '承诺本人承诺所报送作品为原创，无知识产权争议。',
  '签字',
].join('');

let tmp: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'casejury-ocr-'));
  process.env.CASEJURY_DATA = path.join(tmp, 'data');
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

/** Two entries of 融合创新应用教学案例, each with its 登记表 scan; the second's form names another author. */
async function submissions(): Promise<string> {
  const root = await fs.mkdtemp(path.join(tmp, 'submission-'));
  const entries = [
    {
      folder: `小学+${source.registration.unit}+${source.registration.author}/融合创新应用教学案例/${TITLE}`,
      form: 'registration-scan.pdf',
    },
    { folder: `小学+${source.registration.unit}+王丽/融合创新应用教学案例/${TITLE}（二）`, form: 'registration-other-scan.pdf' },
  ];
  for (const e of entries) {
    const dir = path.join(root, ...e.folder.split('/'));
    await fs.mkdir(dir, { recursive: true });
    await fs.copyFile(path.join(FIXTURES, e.form), path.join(dir, '作品登记表.pdf'));
    // WPS Office's own format for the Word document the notice asks for.
    await fs.copyFile(path.join(FIXTURES, 'case.wps'), path.join(dir, '案例介绍.wps'));
  }
  return root;
}

describe.each(testDatabases)('OCR of scanned forms on $name', ({ open }) => {
  let db: Db;
  let contestId: number;
  let blobs: LocalBlobStore;

  beforeEach(async () => {
    db = await open();
    blobs = new LocalBlobStore(await fs.mkdtemp(path.join(tmp, 'blobs-')));
    contestId = await createContest(db, { rulesYaml: await fs.readFile(RULES, 'utf8'), rulesSource: path.basename(RULES), userId: null });
  });
  afterEach(async () => {
    delete process.env.CASEJURY_TESSERACT;
    await db.destroy();
  });

  const fileOf = (title: string, name: string) =>
    db
      .selectFrom('files as f')
      .innerJoin('entries as e', 'e.id', 'f.entry_id')
      .select(['f.id', 'f.ocr_status', 'f.error', 'f.text'])
      .where('e.title', '=', title)
      .where('f.name', '=', name)
      .executeTakeFirstOrThrow();
  const checksOf = async (title: string) => {
    const row = await db
      .selectFrom('eligibility_results as r')
      .innerJoin('entries as e', 'e.id', 'r.entry_id')
      .select('r.checks_json')
      .where('e.title', '=', title)
      .executeTakeFirstOrThrow();
    return eligibilityChecks.read(row.checks_json);
  };

  it('reads a scanned 登记表 and warns when it names another author than the entry', async () => {
    const summary = await importPath(db, contestId, await submissions(), { blobs });
    expect(summary.imported).toBe(2);
    expect(summary.ocrPending).toBe(2);
    expect((await fileOf(TITLE, '作品登记表.pdf')).ocr_status).toBe('pending');

    const ocr = await runPendingOcr(db, contestId, { blobs });
    expect(ocr).toEqual({ read: 2, failed: 0, remaining: 0, unavailable: null });
    const form = await fileOf(TITLE, '作品登记表.pdf');
    expect(form).toMatchObject({ ocr_status: 'done', error: null, text: null });
    const part = await db.selectFrom('file_parts').selectAll().where('file_id', '=', form.id).executeTakeFirstOrThrow();
    expect(part.kind).toBe('ocr');
    expect(part.confidence).toBeGreaterThan(70);
    expect(hanRecall(FORM_TEXT, part.text)).toBeGreaterThanOrEqual(0.9);

    await runChecks(db, contestId, { blobs });
    const own = await checksOf(TITLE);
    expect(own.find((c) => c.id === 'registration')).toMatchObject({ status: 'pass' });
    // The form's own sections are read from the scan too, for a person to confirm (never a fail on OCR alone).
    const sections = own.find((c) => c.id === 'sections:信息表');
    expect(sections?.status).toBe('warn');
    expect(sections?.message).toContain('缺少“教学环境设施建设情况”');
    expect(sections?.message).toContain('（按扫描件的识别文字，请人工核对）');
    // The .wps counts as the Word document the rule set asks for.
    expect(own.find((c) => c.id === 'filetype:案例介绍')).toMatchObject({ status: 'pass' });
    // Its header, footer and properties name the author: the blind review must not see them.
    expect(own.find((c) => c.id === 'anonymity')?.message).toMatch(/页眉中出现作者姓名“张明远”.*文档属性“文档作者”为“张明远”/);

    const other = (await checksOf(`${TITLE}（二）`)).find((c) => c.id === 'registration');
    expect(other?.status).toBe('warn');
    expect(other?.message).toContain(`登记表上的作者为“${source.registration.otherAuthor}”，作品登记的作者为“王丽”`);
  });

  it('imports without tesseract, says so once, and reads the scans once it is there', async () => {
    process.env.CASEJURY_TESSERACT = 'off';
    const summary = await importPath(db, contestId, await submissions(), { blobs });
    expect(summary.imported).toBe(2);
    expect(summary.ocrPending).toBe(0);
    const notices = summary.errors.filter((e) => e.path === '文字识别（OCR）');
    expect(notices).toEqual([
      {
        path: '文字识别（OCR）',
        message: '文字识别（OCR）已关闭（CASEJURY_TESSERACT=off）：2 个扫描件或图片未识别文字，其余内容已正常导入；安装后再次导入即可识别',
      },
    ]);
    expect(summary.errors).toHaveLength(1);
    expect((await fileOf(TITLE, '作品登记表.pdf')).ocr_status).toBe('unavailable');
    expect((await fileOf(TITLE, '案例介绍.wps')).text).toContain(TITLE);

    delete process.env.CASEJURY_TESSERACT;
    expect(await runPendingOcr(db, contestId, { blobs })).toMatchObject({ read: 2, unavailable: null });
    expect((await fileOf(TITLE, '作品登记表.pdf')).ocr_status).toBe('done');
  });

  it('says the same when tesseract is not on the PATH', async () => {
    const saved = process.env.PATH;
    process.env.PATH = path.join(tmp, 'no-programs-here');
    try {
      const summary = await importPath(db, contestId, await submissions(), { blobs });
      expect(summary.imported).toBe(2);
      expect(summary.errors.map((e) => e.message)).toEqual([
        '本机未安装文字识别组件 tesseract-ocr（及 tesseract-ocr-chi-sim）：2 个扫描件或图片未识别文字，其余内容已正常导入；安装后再次导入即可识别',
      ]);
    } finally {
      process.env.PATH = saved;
    }
  });
});

describe('OCR time limit', () => {
  it('gives up on a page that takes longer than its limit and says which', async () => {
    const scan = await fs.readFile(path.join(FIXTURES, 'registration-scan.pdf'));
    const result = await ocrDocument(scan, 'pdf', { pageTimeoutMs: 1, maxPages: 20 });
    expect(result).toMatchObject({ pages: 1, timedOut: [1], text: '', confidence: null, truncated: false });
  });
});
