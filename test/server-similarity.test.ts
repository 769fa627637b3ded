import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContest } from '../src/contests/index.ts';
import { importPath } from '../src/ingest/import.ts';
import ExcelJS from 'exceljs';
import { latestRun } from '../src/similarity/store/queries.ts';
import { contestScanReport } from '../src/similarity/store/report.ts';
import { writeScanWorkbook } from '../src/similarity/store/workbook.ts';
import { gridOf } from '../src/spreadsheet/workbook.ts';
import { ProseGenerator } from '../scripts/lib/prose.ts';
import { Random } from '../scripts/lib/random.ts';
import { makeDocx } from './helpers/docx.ts';
import { Client, csrfField, headerToken, multipart, startTestServer, type Response, type TestServer } from './server-helpers.ts';
import { SCAN_SHEETS } from './helpers/scan-workbook.ts';

const RULES = 'rules/fujian-platform-cases-training-and-scenarios.yaml';
const REGIONAL = '区域研修应用案例';
const SCHOOL = '校本研修应用案例';
/** Every entry quotes it: common text, shared by more than 5% and at least 5 entries. */
const SLOGAN = '坚持以教育数字化赋能教师专业发展为主线全面提升教师数字素养和教学创新能力';

const prose = new ProseGenerator(new Random(2024));
const paragraphs = (n: number): string[] => Array.from({ length: n }, () => prose.paragraph(4).join(''));

interface Planned {
  folder: string;
  title: string;
  paragraphs: string[];
}

const original = paragraphs(14);
const twin = paragraphs(12);
/** 甲 is copied by 乙 (most of it, plus markup-like text that must come out escaped); 丙 and 丁 are one work in two categories. */
const PLANNED: Planned[] = [
  { folder: `小学+实验小学+张明/${REGIONAL}/智慧平台助力区域教研`, title: '智慧平台助力区域教研', paragraphs: [...original, SLOGAN] },
  {
    folder: `小学+城南小学+李华/${REGIONAL}/区域研修的实践探索`,
    title: '区域研修的实践探索',
    paragraphs: ['<script>alert("x")</script> & 引言', ...original.slice(0, 11), ...paragraphs(3), SLOGAN],
  },
  { folder: `初中+第一中学+王芳/${SCHOOL}/作业设计校本研修`, title: '作业设计校本研修', paragraphs: [...twin, SLOGAN] },
  { folder: `初中+第一中学+王芳/${REGIONAL}/作业设计校本研修`, title: '作业设计校本研修', paragraphs: [...twin, SLOGAN] },
  { folder: `高中+高级中学+陈静/${SCHOOL}/名师工作室协同教研`, title: '名师工作室协同教研', paragraphs: [...paragraphs(12), SLOGAN] },
  { folder: `高中+第二中学+赵强/${SCHOOL}/青年教师专业成长`, title: '青年教师专业成长', paragraphs: [...paragraphs(12), SLOGAN] },
];

async function writeBatch(root: string, planned: Planned[]): Promise<void> {
  for (const p of planned) {
    const dir = path.join(root, ...p.folder.split('/'));
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, '案例介绍.docx'),
      await makeDocx({ title: p.title, sections: [{ heading: '一、基本情况', paragraphs: p.paragraphs }] }),
    );
  }
}

let server: TestServer;
let organizer: Client;
let expert: Client;
let contestId: number;
let base: string;
let work: string;
const entries = new Map<string, { entryId: number; fileId: number }>();

async function entryByTitle(title: string, category: string) {
  const row = await server.db
    .selectFrom('entries as e')
    .innerJoin('categories as c', 'c.id', 'e.category_id')
    .innerJoin('files as f', 'f.entry_id', 'e.id')
    .select(['e.id', 'f.id as fileId'])
    .where('e.contest_id', '=', contestId)
    .where('e.title', '=', title)
    .where('c.name', '=', category)
    .where('f.kind', '=', '案例介绍')
    .executeTakeFirstOrThrow();
  return { entryId: row.id, fileId: row.fileId };
}

async function scanAndWait(): Promise<Response> {
  const started = await organizer.post(`${base}/scan`, {}, base);
  expect(started.statusCode).toBe(303);
  await server.app.jobs.idle();
  return started;
}

/** The rows of the rates table: [code cell, rate cell, flagged]. */
const rateRows = (html: string): { fileId: number; flagged: boolean }[] =>
  [...html.matchAll(/<tr id="file-(\d+)" class="([^"]*)">/g)].map((m) => ({ fileId: Number(m[1]), flagged: m[2] === 'flagged' }));

beforeAll(async () => {
  server = await startTestServer();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'casejury-sim-server-'));
  contestId = await createContest(server.db, {
    rulesYaml: fs.readFileSync(RULES, 'utf8'),
    rulesSource: path.basename(RULES),
    userId: server.users.organizer,
  });
  await writeBatch(path.join(work, 'batch1'), PLANNED);
  const summary = await importPath(server.db, contestId, path.join(work, 'batch1'), { blobs: server.app.blobs });
  expect(summary.imported).toBe(PLANNED.length);
  entries.set('甲', await entryByTitle('智慧平台助力区域教研', REGIONAL));
  entries.set('乙', await entryByTitle('区域研修的实践探索', REGIONAL));
  entries.set('丙', await entryByTitle('作业设计校本研修', SCHOOL));
  entries.set('丁', await entryByTitle('作业设计校本研修', REGIONAL));
  base = `/contests/${contestId}/similarity`;
  organizer = new Client(server.app);
  await organizer.login('organizer');
  expert = new Client(server.app);
  await expert.login('expert');
});

afterAll(async () => {
  await server?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('查重 pages', () => {
  it('are for organizers: an expert gets 403 on every page and action', async () => {
    for (const url of [base, `${base}/suspects`, `${base}/common`, `${base}/library`]) expect((await expert.get(url)).statusCode).toBe(403);
    const token = csrfField((await expert.get('/password')).body);
    const post = await expert.request({ method: 'POST', url: `${base}/scan`, form: { _csrf: token } });
    expect(post.statusCode).toBe(403);
    const decide = await expert.request({
      method: 'POST',
      url: `${base}/entries/${entries.get('乙')!.entryId}/decision`,
      form: { _csrf: token, file: '1', decision: '取消资格', reason: 'x' },
    });
    expect(decide.statusCode).toBe(403);
  });

  it('runs the scan in the background: progress survives a reload, a second start joins it, the end leads to the results', async () => {
    const empty = await organizer.get(base);
    expect(empty.body).toContain('还没有查重结果');
    expect(empty.body).toMatch(/比对范围：作品中的案例介绍文档 6 篇，比对库 0 篇/);

    // hold the job queue so the scan waits where the page can see it
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await server.app.jobs.register('hold', { run: () => held })({ contestId: null });
    const started = await organizer.post(`${base}/scan`, {}, base);
    expect(started.statusCode).toBe(303);
    const jobUrl = String(started.headers.location);
    expect(jobUrl).toMatch(new RegExp(`^${base}/jobs/\\d+$`));
    const waiting = await organizer.get(jobUrl);
    expect(waiting.statusCode).toBe(200);
    expect(waiting.body).toContain('hx-trigger="every 1s"');
    expect(waiting.body).toContain('<progress');
    // the 查重 page shows the same progress and does not start a second scan
    const page = await organizer.get(base);
    expect(page.body).toContain(`hx-get="${jobUrl}"`);
    expect(page.body).toMatch(/<button type="submit" class="primary" disabled>/);
    expect((await organizer.post(`${base}/scan`, {}, base)).headers.location).toBe(jobUrl);

    release();
    await server.app.jobs.idle();
    const done = await organizer.get(jobUrl);
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(base);
    const polled = await organizer.get(jobUrl, { 'HX-Request': 'true', 'HX-Target': 'section#scan-job' });
    expect(polled.statusCode).toBe(204);
    expect(polled.headers['hx-redirect']).toBe(base);
    const run = (await latestRun(server.db, contestId))!;
    expect(run).toMatchObject({ version: 1, mode: 'full', documents: 6 });
  });

  it('lists entries by rate with the histogram, its threshold line, and flagged rows highlighted', async () => {
    const page = await organizer.get(base);
    expect(page.statusCode).toBe(200);
    const rows = rateRows(page.body);
    expect(rows).toHaveLength(6);
    const flagged = new Set(rows.filter((r) => r.flagged).map((r) => r.fileId));
    // 乙 copies 甲 (and 甲 shares as much with 乙); 丙 and 丁 are the same work
    for (const k of ['甲', '乙', '丙', '丁']) expect(flagged.has(entries.get(k)!.fileId)).toBe(true);
    expect(flagged.size).toBe(4);
    // flagged first: ordered by rate
    expect(rows.slice(0, 4).every((r) => r.flagged)).toBe(true);
    const svg = /<svg class="histogram"[\s\S]*?<\/svg>/.exec(page.body)![0];
    expect(svg).toContain('class="threshold"');
    expect(svg).toContain('阈值 30%');
    const counts = [...svg.matchAll(/data-count="(\d+)"/g)].map((m) => Number(m[1]));
    expect(counts).toHaveLength(20);
    expect(counts.reduce((s, n) => s + n, 0)).toBe(6);
    expect(counts.slice(6).reduce((s, n) => s + n, 0)).toBe(4);
    // The same numbers as a table for those who cannot see the picture: one row per non-empty 5% bin.
    const data = /<details class="chart-data">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(page.body)?.[1] ?? '';
    const tableRows = [...data.matchAll(/<td class="nowrap">(\d+)%–(\d+)%<\/td><td class="num">(\d+)<\/td>/g)];
    expect(tableRows.map((m) => [Number(m[1]), Number(m[3])])).toEqual(counts.flatMap((n, i) => (n > 0 ? [[i * 5, n]] : [])));

    const onlyFlagged = await organizer.get(`${base}?flagged=true`);
    expect(rateRows(onlyFlagged.body).map((r) => r.flagged)).toEqual([true, true, true, true]);
    expect((await organizer.get(`${base}?page=0`)).statusCode).toBe(400);
  });

  it('lists the cross-project twin as a 一稿多投 suspect on the one 一稿多投与相似主题 page', async () => {
    const old = await organizer.get(`${base}/suspects`);
    expect(old.statusCode).toBe(301);
    expect(old.headers.location).toBe(`/contests/${contestId}/suspects`);
    const page = await organizer.get(`/contests/${contestId}/suspects`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>一稿多投与相似主题</h1>');
    const pairLinks = [...page.body.matchAll(/href="\/contests\/\d+\/suspects\/(\d+)\/(\d+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
    const twin = [entries.get('丙')!.entryId, entries.get('丁')!.entryId].sort((x, y) => x - y);
    expect(pairLinks).toContainEqual(twin);
  });

  it('exports the latest results to .xlsx from the page: the workbook `scan --contest --xlsx` writes', async () => {
    const page = await organizer.get(base);
    expect(page.body).toContain(`href="${base}/export.xlsx" download>导出查重结果（.xlsx）</a>`);
    const res = await organizer.download(`${base}/export.xlsx`);
    expect(res.statusCode).toBe(200);
    const run = (await latestRun(server.db, contestId))!;
    expect(decodeURIComponent(String(res.headers['content-disposition']).split("UTF-8''")[1])).toMatch(
      new RegExp(`-查重结果（第${run.version}次）\\.xlsx$`),
    );
    // The same function the command line calls, on the same run.
    const file = path.join(work, 'cli-report.xlsx');
    await writeScanWorkbook(file, await contestScanReport(server.db, contestId, run));
    const grids = async (wb: ExcelJS.Workbook) => wb.worksheets.map((ws) => [ws.name, gridOf(ws)]);
    const fromPage = new ExcelJS.Workbook();
    await fromPage.xlsx.load(res.bytes as unknown as ArrayBuffer);
    const fromCli = new ExcelJS.Workbook();
    await fromCli.xlsx.readFile(file);
    expect(await grids(fromPage)).toEqual(await grids(fromCli));
    expect(fromPage.worksheets.map((w) => w.name)).toEqual(SCAN_SHEETS);
    // Highest rate first: the twin 丙/丁 (one work twice) and copied 乙 are over the threshold.
    const rates = gridOf(fromPage.getWorksheet('文档重复率')!).slice(1);
    const over = rates.filter((r) => r[9] === '是').map((r) => r[1]);
    expect(over.filter((f) => f.includes('作业设计校本研修'))).toHaveLength(2);
    expect(over.some((f) => f.includes('区域研修的实践探索'))).toBe(true);
    expect(rates[0][9]).toBe('是');
    expect((await expert.download(`${base}/export.xlsx`)).statusCode).toBe(403);
  });

  it('shows a pair side by side, the matched passages marked in the escaped extracted text on both sides', async () => {
    const report = await organizer.get(`${base}/files/${entries.get('乙')!.fileId}`);
    const pairUrl = new RegExp(`href="(${base}/pairs/\\d+)"`).exec(report.body)![1];
    const page = await organizer.get(pairUrl);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<script src="/static/similarity.js" defer></script>');
    const sides = [...page.body.matchAll(/<div class="passage-text" tabindex="0">([\s\S]*?)<\/div>\s*<\/section>/g)].map((m) => m[1]);
    expect(sides).toHaveLength(2);
    const keys = sides.map((html) => new Set([...html.matchAll(/<mark data-s="([^"]+)"/g)].flatMap((m) => m[1].split(' '))));
    expect(keys[0].size).toBeGreaterThan(0);
    expect([...keys[0]].sort()).toEqual([...keys[1]].sort());
    // built from the text with our own markup only: the document's words escaped, its HTML never used
    const copier = sides.find((html) => html.includes('alert'))!;
    expect(copier).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 引言');
    expect(copier).not.toContain('<script>');
    for (const html of sides) expect(html.replace(/<\/?mark[^>]*>/g, '')).not.toMatch(/<(?!\/?mark)/);
    // the marked passages are the copied paragraphs
    const marked = (html: string) => [...html.matchAll(/<mark[^>]*>([^<]*)<\/mark>/g)].map((m) => m[1]).join('');
    expect(marked(sides[0]).replace(/\s/g, '')).toContain(original[0].slice(0, 20));

    const flipped = await organizer.get(`${pairUrl}?flip=true`);
    const flippedSides = [...flipped.body.matchAll(/<div class="passage-text" tabindex="0">([\s\S]*?)<\/div>\s*<\/section>/g)].map(
      (m) => m[1],
    );
    expect(flippedSides).toEqual([sides[1], sides[0]]);
    expect((await organizer.get(`${base}/pairs/999999`)).statusCode).toBe(404);
  });

  it('gives a printable report per entry in the checking services’ form', async () => {
    const page = await organizer.get(`${base}/files/${entries.get('乙')!.fileId}`);
    expect(page.statusCode).toBe(200);
    for (const text of [
      '文本复制检测报告单',
      '总文字复制比（重复率）',
      '去除引用文字复制比',
      '单篇最大文字复制比',
      '相似文献列表',
      '全文标明重复',
      '打印报告',
      '达到阈值 30.0%',
    ]) {
      expect(page.body).toContain(text);
    }
    expect(page.body).toContain('智慧平台助力区域教研');
    expect(page.body).toMatch(/<mark data-s="1">[^<]+<\/mark><sup class="note">\[1\]<\/sup>/);
    const css = await organizer.get('/static/similarity.css');
    expect(css.body).toContain('@media print');
    expect((await organizer.get(`${base}/files/999999`)).statusCode).toBe(404);
  });

  it('takes the organizer’s decision on a flagged entry: reason required, CSRF checked, 取消资格 disqualifies, audited', async () => {
    const { entryId, fileId } = entries.get('乙')!;
    const reportUrl = `${base}/files/${fileId}`;
    const url = `${base}/entries/${entryId}/decision`;
    const noReason = await organizer.post(url, { file: String(fileId), decision: '取消资格', reason: ' ' }, reportUrl);
    expect(noReason.statusCode).toBe(422);
    expect(noReason.body).toContain('请填写处理理由');
    expect(noReason.body).toContain('value="取消资格" checked');
    const noDecision = await organizer.post(url, { file: String(fileId), reason: '抄袭' }, reportUrl);
    expect(noDecision.statusCode).toBe(422);
    expect(noDecision.body).toContain('请选择处理决定');
    const forged = await organizer.request({ method: 'POST', url, form: { file: String(fileId), decision: '取消资格', reason: '抄袭' } });
    expect(forged.statusCode).toBe(403);

    const decided = await organizer.post(
      url,
      { file: String(fileId), decision: '取消资格', reason: '与“智慧平台助力区域教研”大段雷同' },
      reportUrl,
    );
    expect(decided.statusCode).toBe(303);
    expect(decided.headers.location).toBe(`${reportUrl}#decision`);
    const entry = await server.db.selectFrom('entries').select('status').where('id', '=', entryId).executeTakeFirstOrThrow();
    expect(entry.status).toBe('disqualified');
    const page = await organizer.get(reportUrl);
    expect(page.body).toContain('与“智慧平台助力区域教研”大段雷同');
    expect(page.body).toMatch(/<span class="badge disqualified">/);

    const original = entries.get('甲')!;
    const kept = await organizer.post(
      `${base}/entries/${original.entryId}/decision`,
      { file: String(original.fileId), decision: '保留', reason: '原创作品，被他人抄袭' },
      `${base}/files/${original.fileId}`,
    );
    expect(kept.statusCode).toBe(303);
    const audits = await server.db
      .selectFrom('audit_log')
      .select(['action', 'subject_id', 'user_id'])
      .where('action', '=', 'similarity.decide')
      .orderBy('id')
      .execute();
    expect(audits).toEqual([
      { action: 'similarity.decide', subject_id: String(entryId), user_id: server.users.organizer },
      { action: 'similarity.decide', subject_id: String(original.entryId), user_id: server.users.organizer },
    ]);
    const list = await organizer.get(base);
    expect(list.body).toContain('查重：保留');
    expect(list.body).toContain('查重：取消资格');
  });

  it('lets the organizer exclude a common passage with a reason and restore it', async () => {
    const page = await organizer.get(`${base}/common`);
    const id = /<li id="common-(\d+)">\s*<blockquote class="passage">坚持以教育数字化赋能/.exec(page.body)![1];
    const refused = await organizer.post(`${base}/common/${id}/exclude`, { reason: '' }, `${base}/common`);
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('请填写理由');
    const excluded = await organizer.post(`${base}/common/${id}/exclude`, { reason: '通知要求的统一表述' }, `${base}/common`);
    expect(excluded.statusCode).toBe(303);
    const after = await organizer.get(`${base}/common`);
    const exclusion = /<tr id="exclusion-(\d+)">\s*<td class="passage-cell">坚持以教育数字化赋能/.exec(after.body)!;
    expect(after.body).toContain('通知要求的统一表述');
    expect((await organizer.get(base)).body).toContain('查重设置（模板、排除的公共文本或规则）有变化');

    await scanAndWait();
    const rescanned = await organizer.get(`${base}/common`);
    expect(rescanned.body).not.toMatch(/<blockquote class="passage">坚持以教育数字化赋能/);
    const restored = await organizer.post(`${base}/exclusions/${exclusion[1]}/restore`, { reason: '误排除' }, `${base}/common`);
    expect(restored.statusCode).toBe(303);
    expect((await organizer.get(`${base}/common`)).body).toContain('没有排除任何文本');
  });

  it('takes library and template uploads (one document or a zip), refuses other files and forged requests', async () => {
    const libraryUrl = `${base}/library`;
    const upload = async (role: string, name: string, data: Buffer, token = true) => {
      const page = await organizer.get(libraryUrl);
      const { payload, contentType } = multipart(name, data, { role });
      const headers: Record<string, string> = { 'content-type': contentType, 'HX-Request': 'true', 'HX-Target': 'main#main' };
      if (token) headers['X-CSRF-Token'] = headerToken(page.body);
      return organizer.request({ method: 'POST', url: `${libraryUrl}/upload`, headers, payload });
    };
    const earlier = await upload(
      'library',
      '往届获奖案例.docx',
      await makeDocx({ title: '往届获奖案例', sections: [{ heading: '一、基本情况', paragraphs: paragraphs(6) }] }),
    );
    expect(earlier.statusCode).toBe(200);
    expect(earlier.body).toContain('已添加 1 份');
    expect(earlier.body).toContain('往届获奖案例.docx');
    const template = await upload(
      'template',
      '通知.txt',
      Buffer.from('各有关单位：案例介绍应围绕依托国家中小学智慧教育平台开展教师研修的实践过程进行撰写。'),
    );
    expect(template.body).toContain('已添加 1 份');
    expect(template.body).toMatch(/<h2>模板（1）<\/h2>/);
    const broken = await upload('library', '损坏.docx', Buffer.from('不是 Word 文件'));
    expect(broken.body).toContain('1 个文件无法使用');
    expect((await upload('library', 'notes.exe', Buffer.from('MZ'))).statusCode).toBe(415);
    expect((await upload('nonsense', 'a.txt', Buffer.from('文字'))).statusCode).toBe(400);
    expect((await upload('library', 'b.txt', Buffer.from('文字内容'), false)).statusCode).toBe(403);

    const listed = await organizer.get(libraryUrl);
    expect(listed.body).toMatch(/<h2>比对库（1）<\/h2>/);
    const documentId = /action="[^"]+\/library\/(\d+)\/delete"/.exec(listed.body)![1];
    expect((await organizer.post(`${libraryUrl}/${documentId}/delete`, {}, libraryUrl)).statusCode).toBe(303);
    expect((await organizer.get(libraryUrl)).body).toMatch(/<h2>比对库（0）<\/h2>/);
  });

  it('updates the results for a later import by preparing only the new document', async () => {
    await scanAndWait();
    const copier = {
      folder: `小学+补报小学+孙丽/${SCHOOL}/补报案例`,
      title: '补报案例',
      paragraphs: [...original.slice(2, 12), ...paragraphs(2)],
    };
    await writeBatch(path.join(work, 'batch2'), [copier]);
    await importPath(server.db, contestId, path.join(work, 'batch2'), { blobs: server.app.blobs });
    const stale = await organizer.get(base);
    expect(stale.body).toContain('新增 1 篇文档');
    expect(stale.body).toContain('更新时只比对新增的文档');

    await scanAndWait();
    const run = (await latestRun(server.db, contestId))!;
    expect(run).toMatchObject({ mode: 'incremental', added_documents: 1, documents: 7 });
    const page = await organizer.get(base);
    expect(page.body).not.toContain('查重结果需要更新');
    const { fileId } = await entryByTitle('补报案例', SCHOOL);
    expect(rateRows(page.body).find((r) => r.fileId === fileId)!.flagged).toBe(true);
    expect(page.body).toContain('增量更新（处理 1 篇）');
  });
});
