import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import mammoth from 'mammoth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, cliJson } from './helpers/cli.ts';
import { makeDocx } from './helpers/docx.ts';
import { makeMp4 } from './fixtures-media/mp4.ts';
import { makePdf } from './fixtures-media/pdf.ts';
import { ProseGenerator } from '../scripts/lib/prose.ts';
import { Random } from '../scripts/lib/random.ts';

const RULES = 'rules/fujian-platform-cases-training-and-scenarios.yaml';
const SCHOOLS = ['东城区实验小学', '西城区育才小学', '南湖区第二中学', '北山县第三中学', '开发区星海学校'];
const TEACHERS = ['张伟', '李娜', '王芳', '刘洋', '陈静', '杨磊', '黄敏', '赵强', '周婷', '吴涛', '徐丽', '孙鹏'];

/** A contest taken from the submission folder to the published award list with the command line alone. */
describe('a whole contest by the CLI alone', () => {
  let dir: string;
  let db: string;
  let contest: string;
  const prose = new ProseGenerator(new Random(7));
  const sections = () =>
    ['一、基本情况', '二、过程与举措', '三、经验与成效', '四、特色与创新'].map((heading) => ({
      heading,
      paragraphs: [prose.paragraph(6).join(''), prose.paragraph(6).join('')],
    }));

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'casejury-cli-e2e-'));
    process.env.CASEJURY_DATA = dir;
    db = path.join(dir, 'casejury.db');
    const root = path.join(dir, '报送材料');
    const docs = TEACHERS.map((_, i) => ({ title: `平台赋能区域研修的实践探索（${i + 1}）`, sections: sections() }));
    // Entry 12 copies entry 1's text almost whole: 查重 must flag both.
    docs[11].sections = docs[0].sections.map((s) => ({ heading: s.heading, paragraphs: s.paragraphs.map((p) => p.replace(/，/g, ',')) }));
    const story = makeMp4({ seconds: 180, width: 1920, height: 1080, fps: 25, audioSampleRate: 48000 });
    for (const [i, doc] of docs.entries()) {
      const folder = path.join(root, `小学+${SCHOOLS[i % SCHOOLS.length]}+${TEACHERS[i]}`, '区域研修应用案例', doc.title);
      await fs.mkdir(folder, { recursive: true });
      await fs.writeFile(path.join(folder, '案例介绍.docx'), await makeDocx(doc));
      await fs.writeFile(path.join(folder, '信息表.pdf'), makePdf([`案例名称：${doc.title}`, '教师研修专项典型案例信息表']));
      // Entry 7 sent no 数字故事, which the notice requires: 形式审查 fails it.
      if (i !== 6) await fs.writeFile(path.join(folder, '数字故事.mp4'), story);
    }
    await fs.writeFile(
      path.join(root, `小学+${SCHOOLS[0]}+${TEACHERS[0]}`, '区域研修应用案例', docs[0].title, '总结报告.docx'),
      'not a word file',
    );
  });
  afterAll(async () => {
    delete process.env.CASEJURY_DATA;
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('imports, checks, scans, decides what the gates hold, assigns, takes score sheets, publishes and exports the award list', async () => {
    contest = String((await cliJson<{ id: number }>('contest', 'create', '--rules', RULES, '--name', '命令行全流程', '--db', db)).id);

    const imported = await cliJson<{ imported: number; errors: { path: string; message: string }[] }>(
      'import',
      contest,
      path.join(dir, '报送材料'),
      '--db',
      db,
    );
    expect(imported.imported).toBe(12);
    expect(imported.errors.map((e) => e.path)).toEqual([expect.stringContaining('总结报告.docx')]);

    const checked = await cliJson<{ entries: { code: string; title: string; checks: { id: string; status: string }[] }[] }>(
      'check',
      contest,
      '--db',
      db,
    );
    expect(checked.entries).toHaveLength(12);
    const failing = checked.entries.filter((e) => e.checks.some((c) => c.status === 'fail'));
    expect(failing.map((e) => e.title)).toEqual(['平台赋能区域研修的实践探索（7）']);
    expect(failing[0].checks).toContainEqual(expect.objectContaining({ id: 'material:数字故事', status: 'fail' }));
    const code = (n: number) => checked.entries.find((e) => e.title === `平台赋能区域研修的实践探索（${n}）`)?.code ?? '';

    const scanFile = path.join(dir, '查重.json');
    expect((await cli('scan', '--contest', contest, '--db', db, '--json', scanFile)).code).toBe(0);
    const scan = JSON.parse(await fs.readFile(scanFile, 'utf8')) as { documents: { path: string; rate: number; flagged: boolean }[] };
    const flagged = scan.documents.filter((d) => d.flagged);
    expect(flagged).toHaveLength(2);
    expect(flagged.every((d) => d.rate > 0.9)).toBe(true);

    // What the flow still holds, by kind, before any decision.
    type Status = { stages: { key: string; state: string; stateLabel: string }[]; open: { code: string | null; kind: string }[] };
    const before = await cliJson<Status>('status', contest, '--db', db);
    const openOf = (s: Status, kind: string) => s.open.filter((b) => b.kind === kind).map((b) => b.code);
    // Every entry waits for the rule set's 人工核查 (政治性错误、弄虚作假 …), which only a person confirms.
    expect(openOf(before, 'eligibility')).toHaveLength(12);
    expect(openOf(before, 'similarity')).toEqual([code(1), code(12)]);
    expect(before.stages.find((s) => s.key === 'similarity')?.state).toBe('open');

    // The organizer decides from the command line, each decision with its reason.
    await cliJson('decide', contest, code(7), '--on', 'eligibility', '--disqualify', '--reason', '未报送数字故事', '--db', db);
    const kept = await cliJson<{ decided: { code: string }[] }>(
      'decide',
      contest,
      '--all-open',
      '--on',
      'eligibility',
      '--keep',
      '--reason',
      '人工核查完毕，无政治性、科学性错误',
      '--db',
      db,
    );
    expect(kept.decided).toHaveLength(11);
    await cliJson('decide', contest, code(1), '--on', 'similarity', '--keep', '--reason', '原创，被第 12 件抄袭', '--db', db);
    await cliJson('decide', contest, code(12), '--on', 'similarity', '--disqualify', '--reason', '抄袭第 1 件', '--db', db);
    // The copy and its original may also be a 一稿多投 suspect pair: the copy is disqualified already, the pair is decided.
    const suspects = await cliJson<Status>('status', contest, '--db', db);
    if (openOf(suspects, 'suspect').length)
      await cliJson('decide', contest, code(12), '--on', 'suspect', '--disqualify', '--reason', '抄袭第 1 件', '--db', db);
    const decided = await cliJson<Status>('status', contest, '--db', db);
    expect(decided.open.filter((b) => b.kind !== 'review')).toEqual([]);
    const list = new ExcelJS.Workbook();
    const sheet = list.addWorksheet('专家');
    sheet.addRow(['姓名', '单位', '区县', '手机']);
    for (const [i, name] of ['郑专家', '钱专家', '孙专家', '冯专家'].entries())
      sheet.addRow([name, `市教研室${i}`, '市直', `1390000000${i}`]);
    const listFile = path.join(dir, '专家.xlsx');
    await list.xlsx.writeFile(listFile);
    expect((await cliJson<{ experts: unknown[] }>('experts', 'import', contest, listFile, '--db', db)).experts).toHaveLength(4);
    expect((await cliJson<{ assignments: number }>('assign', contest, '--db', db)).assignments).toBe(30);

    const sheetFile = path.join(dir, '评分表.xlsx');
    expect((await cli('scores', 'sheet', contest, '--out', sheetFile, '--db', db)).code).toBe(0);
    const scores = new ExcelJS.Workbook();
    await scores.xlsx.readFile(sheetFile);
    const ws = scores.worksheets[0];
    const header = (ws.getRow(1).values as string[]).slice(1);
    const maxima = header.slice(3, -1).map((h) => Number(/（(\d+(?:\.\d+)?)分）/.exec(h)![1]));
    // Entry n scores n-th from the top on every criterion, the same from every expert: a clean ranking, in whole points.
    ws.eachRow((row, n) => {
      if (n === 1) return;
      const rank = Number(/（(\d+)）$/.exec(String(row.getCell(2).value))![1]);
      maxima.forEach((max, c) => {
        row.getCell(4 + c).value = Math.round(max * (1 - rank * 0.05));
      });
      row.getCell(header.length).value = '结构完整，举措具体';
    });
    const filled = path.join(dir, '评分表-已填.xlsx');
    await scores.xlsx.writeFile(filled);
    expect(await cliJson('scores', 'import', contest, filled, '--db', db)).toMatchObject({ imported: 30, refused: [] });
    expect(await cliJson('progress', contest, '--db', db)).toMatchObject({ assigned: 30, submitted: 30, missing: [], discrepancies: [] });

    type Awards = {
      groups: {
        category: string;
        valid: number;
        bands: { name: string; count: number; entries: { code: string; title: string; score: number }[] }[];
        ties: unknown[];
      }[];
      blockers: unknown[];
    };
    const awards = await cliJson<Awards>('awards', contest, '--db', db);
    // Every category of the rule set is listed; only 区域研修 has entries.
    expect(awards.groups.map((g) => g.valid)).toEqual([10, 0, 0, 0]);
    const [group] = awards.groups;
    // 10 valid entries (the disqualified copy and the entry without its 数字故事 left out) at 10/20/30:
    // ⌊1⌋ = 1, ⌊3⌋ = 3, ⌊6⌋ = 6 → 1 / 2 / 3.
    expect(group.bands.map((b) => [b.name, b.count])).toEqual([
      ['一等奖', 1],
      ['二等奖', 2],
      ['三等奖', 3],
    ]);
    expect(group.bands[0].entries[0].title).toBe('平台赋能区域研修的实践探索（1）');
    expect(group.ties).toEqual([]);
    expect(awards.blockers).toEqual([]);
    expect((await cliJson<Status>('status', contest, '--db', db)).stages.map((s) => s.stateLabel)).toEqual([
      '已完成',
      '已完成',
      '已完成',
      '已完成',
      '已完成',
      '未开始',
    ]);

    // Nothing left open: publication needs no reason.
    expect((await cli('publish', contest, '--db', db)).code).toBe(0);
    // The official list for the notice (Word), and the organizer's workbook with codes and scores.
    const official = path.join(dir, '获奖名单.docx');
    expect((await cli('export', contest, '--out', official, '--db', db)).code).toBe(0);
    expect((await mammoth.extractRawText({ path: official })).value).toContain('命令行全流程获奖名单');
    const out = path.join(dir, '评奖工作簿.xlsx');
    expect((await cli('export', contest, '--out', out, '--workbook', '--db', db)).code).toBe(0);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(out);
    const names = book.worksheets.map((w) => w.name);
    expect(names[0]).toBe('汇总');
    const listSheet = book.worksheets.find((w) => w.name.startsWith('区域研修'))!;
    const rows: string[][] = [];
    listSheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
    const headerRow = rows.findIndex((r) => r[0] === '序号');
    expect(rows[headerRow]).toEqual(['序号', '编号', '作品名称', '作者', '单位', '区县', '学段', '最终得分', '奖项']);
    const awarded = rows.slice(headerRow + 1).filter((r) => /等奖$/.test(r[8]));
    expect(awarded.map((r) => r[8])).toEqual(['一等奖', '二等奖', '二等奖', '三等奖', '三等奖', '三等奖']);
    expect(awarded[0].slice(2, 4)).toEqual(['平台赋能区域研修的实践探索（1）', '张伟']);
  });
});
