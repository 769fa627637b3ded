import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Db } from '../../src/db/connect.ts';
import { contestAwards } from '../../src/awards/store/contest.ts';
import { createUser } from '../../src/users/accounts.ts';
import { cli, cliJson } from '../helpers/cli.ts';
import { caseDocumentSpec, makeDocx } from '../helpers/docx.ts';
import { type Harness, skipBrowserTests, startHarness } from './harness.ts';
import { addMember } from '../../src/contests/members.ts';

const RULES = 'rules/fujian-platform-cases-training-and-scenarios.yaml';
const CONTEST_NAME = '2024年城关区智慧教育平台应用案例评选';
const PASSWORD = 'Organizer-pass-1';

/**
 * Ten 区域研修应用案例 at 10/20/30 (caps 1/2/3). Every expert gives entry i `LEVELS[i]` on each of the
 * five criteria, so the first two tie exactly at the top: a 边界并列 across 一等奖/二等奖.
 */
const LEVELS = [19, 19, 18, 17, 16, 15, 14, 13, 12, 11];
const MARKS = '甲乙丙丁戊己庚辛壬癸';
const SCHOOLS = [
  '城关实验小学',
  '城南小学',
  '东关小学',
  '西关小学',
  '北关小学',
  '城关第一中学',
  '城关第二中学',
  '城关第三中学',
  '城关第四中学',
  '城关第五中学',
];
const TEACHERS = ['张明', '李华', '王芳', '赵强', '陈静', '刘洋', '杨磊', '黄敏', '周婷', '吴涛'];
const titleOf = (i: number) => `智慧平台支持下的区域研修实践（${MARKS[i]}）`;

/** The contest as an organizer leaves it with the CLI alone: created, imported, experts, assignment, score sheets. */
async function prepareContest(dir: string, dbFile: string): Promise<number> {
  const root = path.join(dir, '报送作品');
  for (let i = 0; i < LEVELS.length; i++) {
    const folder = path.join(root, `${i < 5 ? '小学' : '初中'}+${SCHOOLS[i]}+${TEACHERS[i]}`, '区域研修应用案例', titleOf(i));
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, '案例介绍.docx'), await makeDocx(caseDocumentSpec(titleOf(i), i + 1, 1200)));
  }
  const { id } = await cliJson<{ id: number }>('contest', 'create', '--rules', RULES, '--name', CONTEST_NAME, '--db', dbFile);
  const contest = String(id);
  expect((await cliJson<{ imported: number }>('import', contest, root, '--db', dbFile)).imported).toBe(LEVELS.length);
  // The gates before judging: 形式审查 run and every entry kept by the organizer, one scan.
  await cliJson('check', contest, '--db', dbFile);
  await cliJson('decide', contest, '--all-open', '--on', 'eligibility', '--keep', '--reason', '材料已另行核实', '--db', dbFile);
  expect((await cli('scan', '--contest', contest, '--db', dbFile)).code).toBe(0);
  // The generated case documents share their template prose past 30%: kept, as an organizer would after a look.
  await cliJson(
    'decide',
    contest,
    '--all-open',
    '--on',
    'similarity',
    '--keep',
    '--reason',
    '模板化的测试文档，经核实不属抄袭',
    '--db',
    dbFile,
  );

  const experts = new ExcelJS.Workbook();
  const list = experts.addWorksheet('专家');
  list.addRow(['姓名', '单位', '区县', '手机', '评审组']);
  list.addRow(['郑专家', '市教科院', '市直', '13900000001', '区域研修应用案例']);
  list.addRow(['孙专家', '市电教馆', '市直', '13900000002', '区域研修应用案例']);
  list.addRow(['钱专家', '市教师发展中心', '市直', '13900000003', '区域研修应用案例']);
  const expertsFile = path.join(dir, '专家名单.xlsx');
  await experts.xlsx.writeFile(expertsFile);
  expect((await cliJson<{ experts: unknown[] }>('experts', 'import', contest, expertsFile, '--db', dbFile)).experts).toHaveLength(3);
  expect((await cliJson<{ assignments: number }>('assign', contest, '--per-entry', '3', '--db', dbFile)).assignments).toBe(30);

  const sheetFile = path.join(dir, '评分表.xlsx');
  expect((await cli('scores', 'sheet', contest, '--out', sheetFile, '--db', dbFile)).code).toBe(0);
  const sheet = new ExcelJS.Workbook();
  await sheet.xlsx.readFile(sheetFile);
  const ws = sheet.worksheets[0];
  const header = (ws.getRow(1).values as string[]).slice(1);
  const criteria = header.length - 4; // 编号, 作品名称, 专家 … 评语
  ws.eachRow((row, n) => {
    if (n === 1) return;
    const level = LEVELS[MARKS.indexOf(/（(.)）$/.exec(String(row.getCell(2).value))![1])];
    for (let c = 0; c < criteria; c++) row.getCell(4 + c).value = level;
    row.getCell(header.length).value = '案例完整，成效明显';
  });
  const filled = path.join(dir, '评分表-已填.xlsx');
  await sheet.xlsx.writeFile(filled);
  expect((await cliJson<{ imported: number }>('scores', 'import', contest, filled, '--db', dbFile)).imported).toBe(30);
  return id;
}

describe.skipIf(skipBrowserTests)('browser: from scored entries to the published award list', () => {
  let h: Harness;
  let dir: string;
  let db: Db;
  let page: Page;
  let base: string;
  let contestId: number;
  let problems: string[];

  const shot = (name: string, fullPage = true) => h.shot(name, fullPage);
  const waitForText = (selector: string, text: string, timeout?: number) => h.waitForText(selector, text, timeout);

  beforeAll(async () => {
    h = await startHarness({
      name: 'awards',
      acceptDownloads: true,
      prepare: async (dataDir, dbFile) => {
        contestId = await prepareContest(dataDir, dbFile);
      },
      beforeListen: async (_app, db) => {
        await createUser(
          db,
          { username: 'zuzhi', displayName: '赵组织', role: 'organizer', password: PASSWORD, mustChangePassword: false },
          null,
        );
        await addMember(db, contestId, 'zuzhi', 'organizer', null);
      },
    });
    ({ dataDir: dir, db, page, base, problems } = h);
  });

  afterAll(() => h?.close());

  const tieCodes = async () => {
    const awards = await contestAwards(db, contestId);
    return awards.groups.find((g) => g.categoryKey === 'regional-training')!.ties[0].entryIds;
  };

  it('opens 评奖 from the contest and sees the bands, their derivation and the boundary tie', async () => {
    await page.goto(`${base}/login`);
    await page.getByLabel('用户名').fill('zuzhi');
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/contests$/);
    await page.getByRole('link', { name: CONTEST_NAME }).click();
    await page.getByRole('link', { name: '评奖', exact: true }).click();
    await waitForText('h1', '评奖结果');
    const group = page.locator('.award-group', { hasText: '区域研修应用案例' }).first();
    await expect(group.locator('.derivation').textContent()).resolves.toContain('一等奖 ⌊10×10%⌋=1；一、二等奖合计 ⌊10×30%⌋=3');
    await expect(group.locator('.tie-box').textContent()).resolves.toContain('2 件作品并列第 1 名，跨越“一等奖”与“二等奖”的边界');
    expect(await group.locator('tr.tie.pending').count()).toBe(2);
    await waitForText('#blockers', '边界并列');
    await shot('01-results');
  });

  it('settles the tie in the drawer: a blank reason is refused in Chinese, then each entry gets its band', async () => {
    const [first, second] = await tieCodes();
    const tieBox = page.locator('.award-group', { hasText: '区域研修应用案例' }).first().locator('.tie-box');

    const drawer = page.locator('#decision');
    // The drawer opens on any row and closes without leaving the page.
    await page.locator('tr', { hasText: '（丙）' }).getByRole('link', { name: '调整' }).click();
    await waitForText('#decision h2', '（丙）');
    await drawer.getByRole('link', { name: '关闭' }).click();
    await page.waitForFunction(() => document.getElementById('decision')!.innerHTML === '');
    expect(page.url()).toBe(`${base}/contests/${contestId}/awards`);

    await tieBox.locator('li', { hasText: first }).getByRole('link', { name: '决定奖项' }).click();
    await waitForText('#decision h2', first);
    await drawer.getByLabel('一等奖').check();
    await drawer.getByLabel('调整理由（必填，记入日志）').fill('   ');
    await drawer.getByRole('button', { name: '保存调整' }).click();
    await waitForText('#decision .alert.error', '必须填写理由');
    await shot('02-drawer-refused', false);

    await drawer.getByLabel('调整理由（必填，记入日志）').fill('评审会议决定：研修模式创新更突出');
    await drawer.getByRole('button', { name: '保存调整' }).click();
    await waitForText('td.notes', '评审会议决定：研修模式创新更突出');
    expect(await page.locator('#decision').innerHTML()).toBe('');
    // The refreshed page is scrolled so the decided entry's row is at the top.
    const row = await page.locator('tr', { hasText: first }).first().boundingBox();
    expect(Math.abs(row!.y)).toBeLessThan(2);

    await page.locator('.tie-box li', { hasText: second }).getByRole('link', { name: '决定奖项' }).click();
    await waitForText('#decision h2', second);
    await drawer.getByLabel('二等奖').check();
    await drawer.getByLabel('调整理由（必填，记入日志）').fill('评审会议决定：与并列作品比较后列二等奖');
    await shot('03-drawer', false);
    await drawer.getByRole('button', { name: '保存调整' }).click();
    await waitForText('.tie-box.resolved', '边界并列（已决定）');
    await waitForText('#summary .badge', '可以公示');
    await shot('04-tie-settled');

    // A reload shows what the swap showed.
    await page.reload();
    await waitForText('.tie-box.resolved', '边界并列（已决定）');
    expect(page.url()).toBe(`${base}/contests/${contestId}/awards`);
    const awards = await contestAwards(db, contestId);
    const g = awards.groups.find((x) => x.categoryKey === 'regional-training')!;
    expect(g.entries.find((e) => e.code === first)!.band).toBe('一等奖');
    expect(g.entries.find((e) => e.code === second)!.band).toBe('二等奖');
    expect(awards.canFinalize).toBe(true);
  });

  it('shows the advisory figures when unfolded', async () => {
    await page.locator('#advisory summary').click();
    await waitForText('#advisory', '郑专家');
    await page.locator('#advisory').scrollIntoViewIfNeeded();
    await shot('05-advisory', false);
  });

  it('publishes version 1 and downloads its award list, which reads back with the settled bands', async () => {
    await page.getByRole('link', { name: '公示与导出' }).click();
    await waitForText('h1', '公示');
    await page.getByRole('button', { name: '公示第 1 版' }).click();
    await page.waitForURL(/\/awards\/publications\/1$/);
    await waitForText('.badge', '存档完好');
    await shot('06-publication');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: '评奖工作簿（Excel，含编号、得分与名额计算）' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${CONTEST_NAME}评奖工作簿（第1版公示）.xlsx`);
    const file = path.join(dir, 'downloaded.xlsx');
    await download.saveAs(file);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const ws = wb.getWorksheet('区域研修应用案例')!;
    const rows: unknown[][] = [];
    ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows[0]).toEqual(['序号', '编号', '作品名称', '作者', '单位', '区县', '学段', '最终得分', '奖项']);
    const [first, second] = await tieCodes();
    const awards = await contestAwards(db, contestId);
    const g = awards.groups.find((x) => x.categoryKey === 'regional-training')!;
    const listed = g.bands.flatMap((b) => g.entries.filter((e) => e.band === b.name));
    expect(listed).toHaveLength(6);
    expect(rows.slice(1).map((r) => [r[1], r[2], r[3], r[7], r[8]])).toEqual(
      listed.map((e) => [e.code, e.title, e.authors[0].name, e.score, e.band]),
    );
    expect(rows.find((r) => r[1] === first)![8]).toBe('一等奖');
    expect(rows.find((r) => r[1] === second)![8]).toBe('二等奖');
    expect(rows[1][2]).toMatch(/智慧平台支持下的区域研修实践（[甲乙]）/);

    await page.getByRole('link', { name: '公示版本' }).click();
    await waitForText('#versions', '第 1 版');
    await shot('07-versions');
  });

  it('raised no script errors or CSP violations on any page', () => {
    // Chromium logs every 4xx response; the one expected is the refused blank reason.
    expect(problems).toEqual(['console: Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)']);
  });
});
