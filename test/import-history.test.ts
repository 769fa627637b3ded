import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContest } from '../src/contests/index.ts';
import { gridOf } from '../src/spreadsheet/workbook.ts';
import { cli } from './helpers/cli.ts';
import { makeDocx } from './helpers/docx.ts';
import { Client, headerToken, makeZip, multipart, startTestServer, type TestServer } from './server-helpers.ts';

/** The 导入 history: imports from the command line and the browser, each with its problem files, in the page and as .xlsx. */

const RULES = 'rules/2024-platform-cases-teacher-training.yaml';
let server: TestServer;
let organizer: Client;
let contestId: number;
let work: string;
let previousData: string | undefined;

const caseDoc = (title: string) => makeDocx({ title, sections: [{ heading: '一、基本情况', paragraphs: [`${title}的基本情况。`] }] });

async function upload(fileName: string, data: Buffer): Promise<void> {
  const page = await organizer.get(`/contests/${contestId}/imports`);
  const token = headerToken(page.body);
  const { payload, contentType } = multipart(fileName, data);
  const res = await organizer.request({
    method: 'POST',
    url: `/contests/${contestId}/imports/upload`,
    headers: { 'content-type': contentType, 'HX-Request': 'true', 'X-CSRF-Token': token },
    payload,
  });
  expect(res.statusCode).toBeLessThan(400);
  await server.app.jobs.idle();
}

/** The history table's rows: batch id, 方式, 来源, status, problems. */
const historyRows = (html: string) =>
  [...html.matchAll(/<tr id="batch-(\d+)">([\s\S]*?)<\/tr>/g)].map((m) => {
    const cells = [...m[2].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1].replace(/<[^>]+>/g, '').trim());
    return { id: Number(m[1]), origin: cells[2], source: cells[3], status: cells[5], problems: Number(cells[8]) };
  });

beforeAll(async () => {
  server = await startTestServer();
  previousData = process.env.CASEJURY_DATA;
  // The command line stores files where the server reads them.
  process.env.CASEJURY_DATA = server.dataDir;
  contestId = await createContest(server.db, {
    rulesYaml: fs.readFileSync(RULES, 'utf8'),
    rulesSource: path.basename(RULES),
    userId: server.users.organizer,
  });
  organizer = new Client(server.app);
  await organizer.login('organizer');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'casejury-import-history-'));
});

afterAll(async () => {
  if (previousData === undefined) delete process.env.CASEJURY_DATA;
  else process.env.CASEJURY_DATA = previousData;
  await server?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('导入 history', () => {
  it('lists a command-line import with its problem files, beside a browser upload and a failed one', async () => {
    const folder = path.join(work, '报送材料');
    for (const [who, category, title] of [
      ['小学+实验小学+张明', '区域研修应用案例', '智慧平台助力区域教研'],
      ['初中+第一中学+王芳', '校本研修应用案例', '双减背景下的作业设计'],
    ]) {
      const dir = path.join(folder, who, category, title);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, '案例介绍.docx'), await caseDoc(title));
    }
    // Two bad files a real batch carries: a damaged document and an empty PDF.
    fs.writeFileSync(path.join(folder, '小学+实验小学+张明/区域研修应用案例/智慧平台助力区域教研/总结报告.docx'), 'PK 不是 Word 文件');
    fs.writeFileSync(path.join(folder, '初中+第一中学+王芳/校本研修应用案例/双减背景下的作业设计/信息表.pdf'), '');
    const printed = await cli('import', String(contestId), folder, '--db', path.join(server.dataDir, 'casejury.db'));
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain('问题 2 条');

    await upload(
      '第二批.zip',
      makeZip([
        { name: '高中+高级中学+陈静/校本研修应用案例/大单元教学校本研修/案例介绍.docx', data: await caseDoc('大单元教学校本研修') },
      ]),
    );
    await upload('损坏的压缩包.zip', Buffer.from('这不是 zip 文件'));

    const page = await organizer.get(`/contests/${contestId}/imports`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('还没有导入过作品');
    const rows = historyRows(page.body);
    expect(rows.map((r) => [r.origin, r.source, r.status])).toEqual([
      ['网页上传', '损坏的压缩包.zip', '失败'],
      ['网页上传', '第二批.zip', '已完成'],
      ['命令行', folder, '已完成'],
    ]);
    const cliRow = rows[2];
    expect(cliRow.problems).toBe(2);

    const detail = await organizer.get(`/contests/${contestId}/imports/batches/${cliRow.id}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.body).toContain('命令行');
    expect(detail.body).toContain('小学+实验小学+张明/区域研修应用案例/智慧平台助力区域教研/总结报告.docx');
    expect(detail.body).toContain('初中+第一中学+王芳/校本研修应用案例/双减背景下的作业设计/信息表.pdf');

    const failed = await organizer.get(`/contests/${contestId}/imports/batches/${rows[0].id}`);
    expect(failed.body).toMatch(/<p class="alert error" role="alert">导入失败：[^<]+<\/p>/);

    // Another contest's batch is not found under this one.
    const other = await createContest(server.db, { rulesYaml: fs.readFileSync(RULES, 'utf8'), rulesSource: 'x.yaml', userId: null });
    expect((await organizer.get(`/contests/${other}/imports/batches/${cliRow.id}`)).statusCode).toBe(404);
  });

  it('downloads the problems of one import, and of all, as .xlsx', async () => {
    const page = await organizer.get(`/contests/${contestId}/imports`);
    const [failedRow, , cliRow] = historyRows(page.body);
    const read = async (url: string) => {
      const res = await organizer.download(url);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-disposition']).toContain('filename*=UTF-8');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.bytes as unknown as ArrayBuffer);
      return gridOf(wb.worksheets[0]);
    };
    const one = await read(`/contests/${contestId}/imports/batches/${cliRow.id}/problems.xlsx`);
    expect(one[0]).toEqual(['批次', '导入时间', '方式', '来源', '文件或表格行', '问题']);
    expect(one.slice(1).map((r) => [r[0], r[2], r[4]])).toEqual([
      // Entries are imported in pinyin order of their folders: 初中 (chu) before 小学 (xiao).
      [String(cliRow.id), '命令行', '初中+第一中学+王芳/校本研修应用案例/双减背景下的作业设计/信息表.pdf'],
      [String(cliRow.id), '命令行', '小学+实验小学+张明/区域研修应用案例/智慧平台助力区域教研/总结报告.docx'],
    ]);
    const all = await read(`/contests/${contestId}/imports/problems.xlsx`);
    expect(all.slice(1).map((r) => r[0])).toEqual([String(cliRow.id), String(cliRow.id), String(failedRow.id)]);
    expect(all.at(-1)?.[5]).toMatch(/^导入失败：/);
  });
});
