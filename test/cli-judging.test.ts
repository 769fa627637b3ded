import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, cliJson } from './helpers/cli.ts';
import { makeDocx, caseDocumentSpec } from './helpers/docx.ts';

const RULES = 'rules/fujian-platform-cases-training-and-scenarios.yaml';

describe('judging from the command line alone', () => {
  let dir: string;
  let db: string;
  let contest: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'casejury-cli-judging-'));
    process.env.CASEJURY_DATA = dir;
    db = path.join(dir, 'test.db');
    const root = path.join(dir, 'submissions');
    const schools = ['东城区实验小学', '西城区育才小学', '南湖区第二中学', '北山县第三中学'];
    const teachers = ['张伟', '李娜', '王芳', '刘洋', '陈静', '杨磊', '黄敏', '赵强'];
    for (let i = 0; i < 8; i++) {
      const folder = path.join(root, `小学+${schools[i % 4]}+${teachers[i]}`, '区域研修应用案例', `区域研修案例${i}`);
      await fs.mkdir(folder, { recursive: true });
      await fs.writeFile(path.join(folder, '案例介绍.docx'), await makeDocx(caseDocumentSpec(`区域研修案例${i}`, i, 800)));
    }
    contest = String((await cliJson<{ id: number }>('contest', 'create', '--rules', RULES, '--name', '命令行评审', '--db', db)).id);
    const imported = await cliJson<{ imported: number }>('import', contest, root, '--db', db);
    expect(imported.imported).toBe(8);
  });
  afterAll(async () => {
    delete process.env.CASEJURY_DATA;
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('imports experts, assigns conflict-free, round-trips a filled score sheet with bad rows refused, and reports progress', async () => {
    const list = new ExcelJS.Workbook();
    const ws = list.addWorksheet('专家');
    ws.addRow(['姓名', '单位', '区县', '手机', '评审组']);
    ws.addRow(['赵专家', '东城区实验小学', '东城区', '13800000001', '区域研修应用案例']);
    ws.addRow(['钱专家', '市教师发展中心', '市直', '13800000002', '区域研修']);
    ws.addRow(['孙专家', '市电教馆', '市直', '13800000003', '']);
    ws.addRow(['李专家', '市教科院', '市直', 'abc', '']);
    ws.addRow(['周专家', '市教研室', '市直', '13800000005', '不存在的项目']);
    const listFile = path.join(dir, '专家名单.xlsx');
    await list.xlsx.writeFile(listFile);

    const experts = await cliJson<{
      experts: { name: string; username: string; initialPassword: string }[];
      problems: { message: string }[];
    }>('experts', 'import', contest, listFile, '--db', db);
    expect(experts.experts.map((x) => x.name)).toEqual(['赵专家', '钱专家', '孙专家']);
    expect(experts.experts[0].username).toBe('13800000001');
    expect(experts.experts.every((x) => x.initialPassword.length === 16)).toBe(true);
    expect(experts.problems.map((p) => p.message)).toEqual([
      '第 5 行：手机号“abc”格式不对',
      '第 6 行：评审组“不存在的项目”与本竞赛的任何类别都对不上',
    ]);

    const assigned = await cliJson<{ assignments: number; shortfalls: { entryId: number }[] }>(
      'assign',
      contest,
      '--per-entry',
      '3',
      '--db',
      db,
    );
    // 赵专家 works at 东城区实验小学: the two entries from there get only two reviewers.
    expect(assigned.assignments).toBe(22);
    expect(assigned.shortfalls).toHaveLength(2);

    const sheetFile = path.join(dir, '评分表.xlsx');
    expect((await cli('scores', 'sheet', contest, '--out', sheetFile, '--db', db)).code).toBe(0);
    const sheet = new ExcelJS.Workbook();
    await sheet.xlsx.readFile(sheetFile);
    const scores = sheet.worksheets[0];
    const header = (scores.getRow(1).values as string[]).slice(1);
    expect(header.slice(0, 3)).toEqual(['编号', '作品名称', '专家']);
    expect(header.at(-1)).toBe('评语');
    expect(scores.rowCount).toBe(23);
    const maxima = header.slice(3, -1).map((h) => Number(/（(\d+(?:\.\d+)?)分）/.exec(h)![1]));
    scores.eachRow((row, n) => {
      if (n === 1) return;
      maxima.forEach((max, i) => {
        row.getCell(4 + i).value = Math.round(max * 0.8);
      });
      row.getCell(header.length).value = '案例完整，成效明显';
    });
    scores.getRow(2).getCell(4).value = maxima[0] + 5;
    scores.getRow(3).getCell(1).value = 'NO-SUCH-CODE';
    const filled = path.join(dir, '评分表-已填.xlsx');
    await sheet.xlsx.writeFile(filled);

    const result = await cliJson<{ imported: number; refused: { row: number; message: string }[] }>(
      'scores',
      'import',
      contest,
      filled,
      '--db',
      db,
    );
    expect(result.imported).toBe(20);
    expect(result.refused.map((r) => r.row)).toEqual([2, 3]);
    expect(result.refused[0].message).toContain('超出满分');
    expect(result.refused[1].message).toContain('作品编号“NO-SUCH-CODE”不存在');
    const again = await cliJson<{ imported: number; unchanged: number }>('scores', 'import', contest, filled, '--db', db);
    expect(again).toMatchObject({ imported: 0, unchanged: 20 });

    const owed = path.join(dir, '待评清单.xlsx');
    const progress = await cliJson<{ assigned: number; submitted: number; missing: { code: string }[] }>(
      'progress',
      contest,
      '--xlsx',
      owed,
      '--db',
      db,
    );
    expect(progress).toMatchObject({ assigned: 22, submitted: 20 });
    expect(progress.missing.length).toBeGreaterThanOrEqual(2);
    const owedBook = new ExcelJS.Workbook();
    await owedBook.xlsx.readFile(owed);
    const owedSheet = owedBook.getWorksheet('待评清单')!;
    const owedColumn = (owedSheet.getRow(1).values as string[]).indexOf('待评');
    const owedCounts: number[] = [];
    owedSheet.eachRow((row, n) => void (n > 1 && owedCounts.push(Number(row.getCell(owedColumn).value))));
    expect(owedCounts.reduce((a, b) => a + b, 0)).toBe(2);
  });
});
