import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../src/cli/main.ts';
import { createContest } from '../src/contests/index.ts';
import { type Db, openMigratedDb } from '../src/db/connect.ts';
import { eligibilityBoard, entryChecklist, filteredEntryIds } from '../src/eligibility/store/board.ts';
import { decide } from '../src/eligibility/store/decisions.ts';
import { eligibilityXlsx } from '../src/eligibility/store/export.ts';
import { importPriorAwards } from '../src/eligibility/store/prior-awards.ts';
import { runChecks } from '../src/eligibility/store/run.ts';
import { importPath } from '../src/ingest/import.ts';
import { makeDocx } from './helpers/docx.ts';
import { testDatabases } from './helpers/db.ts';
import { makeStyledDocx } from './fixtures-media/docx.ts';
import { makeMp4 } from './fixtures-media/mp4.ts';
import { makePdf } from './fixtures-media/pdf.ts';

const RULES_FILE = 'rules/fujian-platform-cases-training-and-scenarios.yaml';
const SENTENCE = '教师依托平台资源开展研修活动。';

let tmp: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'casejury-eligibility-'));
  // The importer, the checks and the CLI all use the default blob store under the data folder.
  process.env.CASEJURY_DATA = path.join(tmp, 'data');
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

async function write(root: string, rel: string, data: Buffer) {
  const file = path.join(root, rel);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, data);
}

const REGIONAL = '小学+实验小学+张三/区域研修应用案例/数字赋能区域研修';
const SCENARIO = '初中+第二中学+王五/创新场景应用/平台助学新场景';
const INCOMPLETE = '高中+第三中学+赵六/区域研修应用案例/研修共同体建设';

const caseDoc = (perSection: number) =>
  makeDocx({
    title: '案例介绍',
    sections: ['基本情况', '过程与举措', '经验与成效', '特色与创新'].map((heading) => ({
      heading,
      paragraphs: [SENTENCE.repeat(perSection)],
    })),
  });
const story = (minutes: number) => makeMp4({ seconds: minutes * 60, width: 1920, height: 1080, audioSampleRate: 48000 });

/**
 * Three submissions in the notice's folder layout: a complete 区域研修 case; a 创新场景 case
 * in the wrong fonts with a 12-minute story; and a 区域研修 case with only its document.
 */
async function makeSubmissions(root: string) {
  await write(root, `${REGIONAL}/案例信息表.pdf`, makePdf(['教师研修专项典型案例信息表', '案例名称 数字赋能区域研修']));
  await write(root, `${REGIONAL}/案例介绍.docx`, await caseDoc(20));
  await write(root, `${REGIONAL}/数字故事.mp4`, story(8));
  // 必须提交……及相关的支撑材料
  await write(root, `${REGIONAL}/支撑材料.pdf`, makePdf(['关于开展区域研修的通知']));
  await write(root, `${SCENARIO}/案例信息表.pdf`, makePdf(['常规项目典型案例信息表']));
  await write(
    root,
    `${SCENARIO}/案例介绍.docx`,
    await makeStyledDocx({
      title: { text: '平台助学新场景', font: '宋体', sizePt: 22 },
      sections: ['内容导图', '应用过程'].map((h) => ({
        heading: { text: h, font: '楷体_GB2312', sizePt: 14 },
        paragraphs: [{ text: SENTENCE.repeat(100), font: '仿宋_GB2312', sizePt: 14 }],
      })),
    }),
  );
  await write(root, `${SCENARIO}/数字故事.mp4`, story(12));
  await write(root, `${INCOMPLETE}/案例介绍.docx`, await caseDoc(10));
}

describe.each(testDatabases)('eligibility review on $name', ({ open }) => {
  let db: Db;
  let contestId: number;
  let root: string;
  const codeOf = async (folder: string) =>
    (
      await db
        .selectFrom('entries')
        .select('code')
        .where('source_path', 'like', `%${folder.split('/').pop()}`)
        .executeTakeFirstOrThrow()
    ).code;
  const idOf = async (folder: string) =>
    (
      await db
        .selectFrom('entries')
        .select('id')
        .where('source_path', 'like', `%${folder.split('/').pop()}`)
        .executeTakeFirstOrThrow()
    ).id;

  beforeEach(async () => {
    db = await open();
    contestId = await createContest(db, {
      rulesYaml: await fs.readFile(RULES_FILE, 'utf8'),
      rulesSource: path.basename(RULES_FILE),
      userId: null,
    });
    root = await fs.mkdtemp(path.join(tmp, 'submissions-'));
    await makeSubmissions(root);
    await importPath(db, contestId, root);
  });
  afterEach(() => db.destroy());

  it('checks imported entries from their stored files and shows each checklist on the board', async () => {
    const summary = await runChecks(db, contestId);
    expect(summary).toMatchObject({ checked: 3, pass: 1, warn: 0, fail: 2 });

    const board = await eligibilityBoard(db, contestId);
    const byCode = new Map(board.entries.map((e) => [e.code, e]));
    const regional = byCode.get(await codeOf(REGIONAL))!;
    const scenario = byCode.get(await codeOf(SCENARIO))!;
    const incomplete = byCode.get(await codeOf(INCOMPLETE))!;
    expect(regional.verdict).toBe('pass');
    expect(regional.checks.find((c) => c.id === 'video-encoding:数字故事')).toEqual({
      id: 'video-encoding:数字故事',
      status: 'pass',
      message: '数字故事.mp4：MP4，视频 H.264，音频 AAC',
    });
    // Read from the stored .docx and .mp4, not from extracted text.
    expect(scenario.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}=${c.status}`)).toEqual([
      'category=warn',
      'typeset:案例介绍=warn',
      'video-duration:数字故事=fail',
      'video-encoding:数字故事=warn',
      'material:支撑材料=warn',
    ]);
    expect(scenario.checks.find((c) => c.id === 'category')?.message).toBe(
      '国家中小学智慧教育平台应用典型案例（创新场景应用）：案例类型“初中”不在规定的案例类型（区域应用案例、校本应用案例、线上工作室建设与应用案例）中',
    );
    expect(scenario.checks.find((c) => c.id === 'typeset:案例介绍')?.message).toBe(
      '案例介绍.docx：标题为 宋体 二号（22 磅），要求 黑体 三号',
    );
    expect(incomplete.checks.filter((c) => c.status === 'fail').map((c) => c.message)).toEqual([
      '缺少教师研修专项典型案例信息表（主附件附表6）',
      '缺少展现创新推进过程及成效的数字故事',
    ]);

    expect(board.counts.total).toBe(3);
    expect(board.counts.byVerdict).toEqual({ fail: 2, warn: 0, pass: 1, unchecked: 0 });
    expect(board.counts.byStatus.submitted).toBe(3);
    expect(board.counts.byCategory.filter((c) => c.total > 0).map((c) => [c.key, c.total, c.byVerdict.fail])).toEqual([
      ['regional-training', 2, 1],
      ['innovative-scenarios', 1, 1],
    ]);
    expect(board.checkIds[0]).toBe('category');
    expect(board.checkIds.indexOf('filetype:信息表')).toBe(board.checkIds.indexOf('material:信息表') + 1);
    expect(board.checkIds.indexOf('video-duration:数字故事')).toBe(board.checkIds.indexOf('filetype:数字故事') + 1);
    expect((await eligibilityBoard(db, contestId, { check: 'video-duration' })).entries.map((e) => e.code)).toEqual([scenario.code]);
    expect((await eligibilityBoard(db, contestId, { verdict: 'fail', category: 'regional-training' })).entries.map((e) => e.code)).toEqual([
      incomplete.code,
    ]);
    expect((await eligibilityBoard(db, contestId, { q: '王五' })).entries.map((e) => e.code)).toEqual([scenario.code]);

    const audit = await db.selectFrom('audit_log').select(['action', 'new_value']).where('action', '=', 'eligibility.check').execute();
    expect(audit).toHaveLength(1);
  });

  it('records decisions with reasons, in bulk for a filter, and counts them by status', async () => {
    await runChecks(db, contestId);
    const regional = await idOf(REGIONAL);
    await expect(decide(db, contestId, [regional], '通过', '  ', 1)).rejects.toThrow('请填写审定理由');
    await expect(decide(db, contestId, [regional, 999_999], '通过', '材料齐全', null)).rejects.toThrow('以下作品不属于本竞赛：999999');

    expect(await decide(db, contestId, [regional], '通过', '材料齐全', null)).toEqual({ decided: 1, changed: 1 });
    const failing = await filteredEntryIds(db, contestId, { verdict: 'fail' });
    expect(failing).toHaveLength(2);
    await decide(db, contestId, failing, '退回修改', '请按通知补齐材料', null);

    let board = await eligibilityBoard(db, contestId);
    expect(board.counts.byStatus).toMatchObject({ submitted: 0, eligible: 1, returned: 2, disqualified: 0 });
    const scenario = await idOf(SCENARIO);
    await decide(db, contestId, [scenario], '取消资格', '数字故事超时且逾期未改', null);
    board = await eligibilityBoard(db, contestId, { status: 'disqualified' });
    expect(board.counts.byStatus).toMatchObject({ eligible: 1, returned: 1, disqualified: 1 });
    expect(board.entries.map((e) => e.id)).toEqual([scenario]);
    expect(board.entries[0].decision).toMatchObject({ decision: '取消资格', status: 'disqualified', reason: '数字故事超时且逾期未改' });

    const checklist = await entryChecklist(db, contestId, scenario);
    expect(checklist?.history.map((h) => [h.decision, h.reason])).toEqual([
      ['取消资格', '数字故事超时且逾期未改'],
      ['退回修改', '请按通知补齐材料'],
    ]);
    expect(await entryChecklist(db, contestId + 1, scenario)).toBeNull();

    const audit = await db
      .selectFrom('audit_log')
      .select(['subject_id', 'old_value', 'new_value', 'reason'])
      .where('action', '=', 'eligibility.decide')
      .orderBy('id')
      .execute();
    expect(audit).toHaveLength(4);
    expect(audit[3]).toEqual({
      subject_id: String(scenario),
      old_value: 'returned',
      new_value: JSON.stringify({ decision: '取消资格', status: 'disqualified' }),
      reason: '数字故事超时且逾期未改',
    });
  });

  it('lets a returned entry be imported again and re-checked', async () => {
    await runChecks(db, contestId);
    const incomplete = await idOf(INCOMPLETE);
    await decide(db, contestId, [incomplete], '退回修改', '缺少信息表和数字故事', null);
    expect((await entryChecklist(db, contestId, incomplete))?.resubmitted).toBe(false);

    await write(root, `${INCOMPLETE}/案例信息表.pdf`, makePdf(['教师研修专项典型案例信息表']));
    await write(root, `${INCOMPLETE}/数字故事.mp4`, story(6));
    await write(root, `${INCOMPLETE}/支撑材料.pdf`, makePdf(['研修制度文件']));
    await importPath(db, contestId, root);
    const before = await entryChecklist(db, contestId, incomplete);
    expect(before).toMatchObject({ status: 'returned', resubmitted: true, verdict: 'fail' });

    expect(await runChecks(db, contestId, { entryIds: [incomplete] })).toMatchObject({ checked: 1, pass: 1 });
    expect(await entryChecklist(db, contestId, incomplete)).toMatchObject({ status: 'returned', verdict: 'pass' });
    await expect(runChecks(db, contestId, { entryIds: [incomplete, 424242] })).rejects.toThrow('以下作品不属于本竞赛或已撤回：424242');
  });

  it('matches entries against an uploaded 往届获奖名单', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('名单');
    ws.addRow(['作品名称', '作者', '单位', '年份']);
    ws.addRow(['数字赋能区域研修', '张三', '实验小学', '2023']);
    expect(await importPriorAwards(db, contestId, Buffer.from(await wb.xlsx.writeBuffer()), '往届获奖名单.xlsx', null)).toBe(1);
    await runChecks(db, contestId);
    const regional = await entryChecklist(db, contestId, await idOf(REGIONAL));
    expect(regional?.checks.find((c) => c.id === 'history')).toEqual({
      id: 'history',
      status: 'fail',
      message: '与往届获奖作品相同：2023年“数字赋能区域研修”（张三，实验小学）',
    });
  });

  it('exports one row per entry with a column per check, the decision and its reason', async () => {
    await runChecks(db, contestId);
    const scenario = await idOf(SCENARIO);
    await decide(db, contestId, [scenario], '退回修改', '数字故事超过 10 分钟', null);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await eligibilityXlsx(db, contestId)) as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('形式审查结果')!;
    const headers = (sheet.getRow(2).values as string[]).slice(1);
    expect(headers.slice(0, 7)).toEqual(['编号', '作品名称', '类别', '组别', '作者', '单位', '检查结果']);
    expect(headers).toContain('数字故事·视频时长');
    expect(headers.slice(-5)).toEqual(['审定结果', '审定理由', '审定人', '审定时间', '作品状态']);
    const rows = [3, 4, 5].map((r) => sheet.getRow(r));
    const scenarioRow = rows.find((r) => r.getCell(2).text === '平台助学新场景')!;
    expect(scenarioRow.getCell(headers.indexOf('数字故事·视频时长') + 1).text).toBe('数字故事.mp4：时长 12 分钟，超过 10 分钟的限制');
    expect(scenarioRow.getCell(headers.indexOf('审定结果') + 1).text).toBe('退回修改');
    expect(scenarioRow.getCell(headers.indexOf('审定理由') + 1).text).toBe('数字故事超过 10 分钟');
    expect(scenarioRow.getCell(headers.indexOf('检查结果') + 1).text).toBe('不通过');
    const issues = wb.getWorksheet('问题清单')!;
    // Title, header, the 5 findings of the 创新场景 case (its missing 支撑材料 among them) and the 3 of the incomplete one.
    expect(issues.rowCount).toBe(2 + 5 + 3);
  });
});

describe('casejury check (CLI)', () => {
  it('prints the summary and each failure, or the checks as JSON, and writes the .xlsx; exits 0', async () => {
    const dbFile = path.join(tmp, 'cli.db');
    const db = await openMigratedDb(dbFile);
    const contestId = await createContest(db, {
      rulesYaml: await fs.readFile(RULES_FILE, 'utf8'),
      rulesSource: path.basename(RULES_FILE),
      userId: null,
    });
    const root = await fs.mkdtemp(path.join(tmp, 'cli-'));
    await makeSubmissions(root);
    await importPath(db, contestId, root);
    await db.destroy();

    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    const xlsx = path.join(tmp, 'out', '形式审查.xlsx');
    try {
      expect(await runCli(['check', String(contestId), '--db', dbFile])).toBe(0);
      const text = out.join('');
      expect(text).toContain('形式审查：检查了 3 件作品');
      expect(text).toContain('通过 1 件，需人工核对 0 件，不通过 2 件');
      expect(text).toContain('✗ 数字故事·视频时长：数字故事.mp4：时长 12 分钟，超过 10 分钟的限制');

      out.length = 0;
      expect(await runCli(['check', String(contestId), '--json', '--xlsx', xlsx, '--db', dbFile])).toBe(0);
      const json = JSON.parse(out.join('')) as {
        entries: { code: string; title: string; category: string; checks: { id: string; status: string; message: string }[] }[];
      };
      expect(json.entries).toHaveLength(3);
      expect(Object.keys(json.entries[0])).toEqual(['code', 'title', 'category', 'checks']);
      const scenario = json.entries.find((e) => e.title === '平台助学新场景')!;
      expect(scenario.category).toBe('国家中小学智慧教育平台应用典型案例（创新场景应用）');
      expect(scenario.checks.find((c) => c.id === 'video-duration:数字故事')).toEqual({
        id: 'video-duration:数字故事',
        status: 'fail',
        message: '数字故事.mp4：时长 12 分钟，超过 10 分钟的限制',
      });
      expect((await fs.stat(xlsx)).size).toBeGreaterThan(0);
    } finally {
      spy.mockRestore();
    }
    expect(await runCli(['check', 'abc', '--db', dbFile])).toBe(2);
  });
});
