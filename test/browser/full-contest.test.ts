import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createUser } from '../../src/users/accounts.ts';
import { HEADINGS, ProseGenerator } from '../../scripts/lib/prose.ts';
import { Random } from '../../scripts/lib/random.ts';
import { makeDocx } from '../helpers/docx.ts';
import { makeZip } from '../server-helpers.ts';
import { type Harness, skipBrowserTests, startHarness } from './harness.ts';

/**
 * A whole demo contest walked through by one person in one Chromium session, with no database or
 * CLI shortcut after the administrator's account: organizer account, contest from a rule set, zip
 * import with a damaged file, 形式审查, 查重 with a copied case disqualified, experts, assignment,
 * the offline score sheet filled and uploaded, a 边界并列 settled, 公示 and the exported award list.
 */

const RULES_FILE = 'fujian-platform-cases-training-and-scenarios.yaml';
const CATEGORY = '区域研修应用案例';
/** Every category of the rule set with what its groups are called (the award list's group column). */
const CATEGORIES = [
  ['区域研修应用案例', '学段'],
  ['校本研修应用案例', '学段'],
  ['线上工作室建设与应用案例（教师研修专项）', '学段'],
  ['国家中小学智慧教育平台应用典型案例（创新场景应用）', '案例类型'],
] as const;
const CONTEST_NAME = '2024年城关区智慧教育平台应用典型案例评选';
const ADMIN_PASSWORD = 'Admin-pass-2024';
const ORGANIZER_PASSWORD = 'Organizer-pass-2024';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** 一、二、三等奖 as percentages of the valid entries (the rule set's 10%/20%/30%). */
const BAND_PERCENTS = [
  ['一等奖', 10],
  ['二等奖', 20],
  ['三等奖', 30],
] as const;

interface Entry {
  stage: string;
  school: string;
  teacher: string;
  title: string;
  /** Points every criterion gets on average; null for the copy, which never reaches judging. */
  level: number | null;
}

/** Ten valid cases; the first two are scored alike, so they tie across the 一等奖/二等奖 boundary. */
const ENTRIES: Entry[] = [
  { stage: '小学', school: '城关实验小学', teacher: '张明', title: '智慧平台助力区域教研转型', level: 19 },
  { stage: '初中', school: '城关第一中学', teacher: '李华', title: '县域教师数字素养提升行动', level: 19 },
  { stage: '小学', school: '城南小学', teacher: '王芳', title: '寒假研修与日常教研的衔接', level: 18 },
  { stage: '小学', school: '东关小学', teacher: '赵强', title: '平台资源支撑的跨校联合研修', level: 17 },
  { stage: '初中', school: '城关第二中学', teacher: '陈静', title: '名师工作室引领的区域研修', level: 16 },
  { stage: '小学', school: '西关小学', teacher: '刘洋', title: '双减背景下的区域作业设计研修', level: 15 },
  { stage: '初中', school: '城关第三中学', teacher: '杨磊', title: '乡村教师线上研修共同体建设', level: 14 },
  { stage: '小学', school: '北关小学', teacher: '黄敏', title: '大单元教学的区域联合备课', level: 13 },
  { stage: '初中', school: '城关第四中学', teacher: '周婷', title: '数据驱动的区域教研改进', level: 12 },
  { stage: '小学', school: '河西小学', teacher: '吴涛', title: '区域研修资源库的共建共享', level: 11 },
];
/** The case COPY takes most of its text from. */
const ORIGINAL = ENTRIES[3];
const COPY: Entry = { stage: '初中', school: '城关第五中学', teacher: '郑伟', title: '跨校联合研修的实践与思考', level: null };
const BAD_FILE = '支撑材料-活动简报.docx';
/** Each expert's offset from an entry's level, on every criterion (whole points, the rubric's step); they cancel out in the mean. */
const EXPERTS = [
  { name: '郑专家', unit: '市教科院', phone: '13900000001', offset: -1 },
  { name: '孙专家', unit: '市电教馆', phone: '13900000002', offset: 0 },
  { name: '钱专家', unit: '市教师发展中心', phone: '13900000003', offset: 1 },
];
const CRITERIA = 5; // 附件1: five criteria of 20 points
const VALID = ENTRIES.length;
/** Seats per band by cumulative rounding down: first ⌊N·p1⌋, first+second ⌊N·(p1+p2)⌋ … */
const CAPS = BAND_PERCENTS.map(([name], i) => {
  const upTo = (k: number) => (k < 0 ? 0 : Math.floor((VALID * BAND_PERCENTS.slice(0, k + 1).reduce((sum, [, p]) => sum + p, 0)) / 100));
  return { name, cap: upTo(i) - upTo(i - 1) };
});
const folderOf = (e: Entry) => `${e.stage}+${e.school}+${e.teacher}/${CATEGORY}/${e.title}`;

async function submissionZip(): Promise<Buffer> {
  const prose = new ProseGenerator(new Random(2024));
  const sectionsOf = () =>
    HEADINGS.slice(0, 4).map((heading) => ({ heading, paragraphs: Array.from({ length: 3 }, () => prose.paragraph(4).join('')) }));
  const texts = new Map(ENTRIES.map((e) => [e, sectionsOf()]));
  // The copy keeps two of every three paragraphs of the original and writes one of its own.
  const copied = texts
    .get(ORIGINAL)!
    .map((s) => ({ heading: s.heading, paragraphs: [s.paragraphs[0], prose.paragraph(4).join(''), s.paragraphs[2]] }));
  texts.set(COPY, copied);
  // No byline: the contest is blind, so the documents name no school or teacher.
  const files = await Promise.all(
    [...texts].map(async ([e, sections]) => ({ name: `${folderOf(e)}/案例介绍.docx`, data: await makeDocx({ title: e.title, sections }) })),
  );
  files.push({ name: `${folderOf(ENTRIES[5])}/${BAD_FILE}`, data: Buffer.from('这不是一个 Word 文件') });
  return makeZip(files);
}

async function expertList(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('专家');
  ws.addRow(['姓名', '单位', '区县', '手机', '评审组']);
  for (const x of EXPERTS) ws.addRow([x.name, x.unit, '市直', x.phone, CATEGORY]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const cellText = (v: ExcelJS.CellValue): string => (v === null || v === undefined ? '' : String(v));

/** Fills every row of the downloaded score sheet: the entry's level plus the expert's offset, within each maximum. */
async function fillScoreSheet(file: string): Promise<{ filled: Buffer; rows: number; sheets: string[] }> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  let rows = 0;
  for (const ws of wb.worksheets) {
    const header = (ws.getRow(1).values as ExcelJS.CellValue[]).slice(1).map(cellText);
    expect(header.slice(0, 3)).toEqual(['编号', '作品名称', '专家']);
    expect(header.at(-1)).toBe('评语');
    const maxima = header.slice(3, -1).map((h) => Number(/（(\d+(?:\.\d+)?)分）$/.exec(h)![1]));
    expect(maxima).toHaveLength(CRITERIA);
    ws.eachRow((row, n) => {
      if (n === 1) return;
      const entry = ENTRIES.find((e) => e.title === cellText(row.getCell(2).value))!;
      const expert = EXPERTS.find((x) => x.name === cellText(row.getCell(3).value))!;
      maxima.forEach((max, c) => {
        const points = entry.level! + expert.offset;
        expect(points).toBeLessThanOrEqual(max);
        row.getCell(4 + c).value = points;
      });
      row.getCell(header.length).value = `${expert.name}：研修机制健全，平台资源运用充分。`;
      rows++;
    });
  }
  return { filled: Buffer.from(await wb.xlsx.writeBuffer()), rows, sheets: wb.worksheets.map((ws) => ws.name) };
}

describe.skipIf(skipBrowserTests)('browser: a whole contest from the zip to the published award list', () => {
  let h: Harness;
  let page: Page;
  let problems: string[];
  let contestUrl: string;
  /** 编号 of each entry as the pages show them, by title. */
  const codes = new Map<string, string>();

  const shot = (name: string) => h.shot(name);
  const waitForText = (selector: string, text: string, timeout?: number) => h.waitForText(selector, text, timeout);
  const tab = (name: string) => page.locator('.contest-header nav.tabs').getByRole('link', { name, exact: true }).click();

  beforeAll(async () => {
    h = await startHarness({
      name: 'full-contest',
      acceptDownloads: true,
      beforeListen: (_app, db) =>
        createUser(
          db,
          { username: 'admin', displayName: '系统管理员', role: 'admin', password: ADMIN_PASSWORD, mustChangePassword: false },
          null,
        ).then(() => undefined),
    });
    ({ page, problems } = h);
  });

  afterAll(() => h?.close());

  it('admin creates an organizer, who signs in, sets a password and creates the contest from the rule set', async () => {
    await h.login('admin', ADMIN_PASSWORD);
    await page.getByRole('link', { name: '用户', exact: true }).click();
    await waitForText('h1', '用户管理');
    await page.getByLabel('用户名').fill('chengguan');
    await page.getByLabel('姓名').fill('城关区教研室');
    await page.getByLabel('单位', { exact: true }).fill('城关区教师发展中心');
    await page.getByLabel('角色').selectOption({ label: '组织者' });
    await page.getByRole('button', { name: '创建并生成一次性密码' }).click();
    await waitForText('.alert.ok', '已创建账号');
    const oneTime = (await page.locator('.alert.ok .secret').textContent())!.trim();
    expect(oneTime.length).toBeGreaterThanOrEqual(8);
    await shot('01-organizer-created');
    await page.getByRole('button', { name: '退出' }).click();
    await page.waitForURL(/\/login/);

    await h.login('chengguan', oneTime);
    await page.waitForURL(/\/password/);
    await page.getByLabel('当前密码').fill(oneTime);
    await page.getByLabel('新密码', { exact: true }).fill(ORGANIZER_PASSWORD);
    await page.getByLabel('再次输入新密码').fill(ORGANIZER_PASSWORD);
    await page.getByRole('button', { name: '保存新密码' }).click();
    await page.waitForURL(/\/contests$/);

    await page.getByRole('link', { name: '新建竞赛' }).click();
    await page.getByLabel(new RegExp(RULES_FILE.replace(/\./g, '\\.'))).check();
    await page.getByLabel('竞赛名称').fill(CONTEST_NAME);
    await page.getByRole('button', { name: '创建竞赛' }).click();
    await page.waitForURL(/\/contests\/\d+$/);
    contestUrl = new URL(page.url()).pathname;
    expect(await page.locator('h1').textContent()).toBe(CONTEST_NAME);
    await shot('02-contest');
  });

  it('uploads the zip, waits for the import and sees the damaged file reported', async () => {
    await tab('导入');
    await page
      .locator('input[type=file]')
      .setInputFiles({ name: '城关区报送作品.zip', mimeType: 'application/zip', buffer: await submissionZip() });
    await page.getByRole('button', { name: '上传并导入' }).click();
    await page.waitForURL(/\/imports\/\d+$/);
    await waitForText('.stats', '新导入作品', 60_000);
    expect(await page.locator('.stats div').first().locator('strong').textContent()).toBe(String(ENTRIES.length + 1));
    await waitForText('.errors-list', BAD_FILE);
    expect(await page.locator('.errors-list tbody tr').count()).toBe(1);
    await shot('03-import-summary');
  });

  it('runs 形式审查 from its tab', async () => {
    await tab('形式审查');
    await page.locator('#check-run', { hasText: '尚未运行检查' }).waitFor();
    await page.getByRole('button', { name: '运行全部检查' }).click();
    await page.locator('#check-run', { hasText: '最近一次全部检查' }).waitFor({ timeout: 30_000 });
    expect(await page.locator('#check-run').textContent()).toContain(`共 ${ENTRIES.length + 1} 件`);
    expect(await page.locator('#elig-counts [data-count="verdict-unchecked"] strong').textContent()).toBe('0');
    expect(await page.locator('#elig-results tr.entry-row').count()).toBe(ENTRIES.length + 1);
    await shot('04-eligibility');

    // The 人工核查 and the warnings looked at, the organizer passes every entry in bulk.
    const bulk = page.locator('#bulk-panel');
    await bulk.getByLabel('审定结果').selectOption('通过');
    await bulk.getByLabel('审定理由（必填）').fill('材料齐全，人工核查完毕');
    await bulk.getByRole('button', { name: '下一步：核对数量' }).click();
    await bulk.getByRole('button', { name: `确认审定 ${ENTRIES.length + 1} 件作品` }).click();
    await page.getByText(`已将 ${ENTRIES.length + 1} 件作品审定为“通过”`).waitFor();
  });

  it('scans from the 查重 tab, sees the copy flagged and disqualifies it, keeping the original', async () => {
    await tab('查重');
    await page.locator('.empty', { hasText: '还没有查重结果' }).waitFor();
    await page.getByRole('button', { name: '开始查重' }).click();
    await page.waitForURL(new RegExp(`${contestUrl}/similarity$`), { timeout: 30_000 });
    await page.locator('table.rates').waitFor();
    const flagged = page.locator('table.rates tbody tr.flagged');
    // The copy and the case it copied share most of their text; nothing else comes near the threshold.
    expect((await flagged.locator('td:nth-child(2)').allTextContents()).sort()).toEqual([COPY.title, ORIGINAL.title].sort());
    await shot('05-similarity');

    for (const [entry, decision, reason] of [
      [COPY, '取消资格', '与城关区东关小学作品大段雷同，重复率超过 30%，取消参评资格'],
      [ORIGINAL, '保留', '经核实为原创作品，被他人抄袭，继续参评'],
    ] as const) {
      await page.locator('table.rates tbody tr.flagged').getByRole('link', { name: entry.title, exact: true }).click();
      await waitForText('h1', '文本复制检测报告单');
      await page.getByLabel(decision).check();
      await page.getByLabel('理由（必填，记入日志）').fill(reason);
      await page.getByRole('button', { name: '保存决定' }).click();
      await waitForText('table.decisions', reason);
      if (entry === COPY) await shot('06-copy-disqualified');
      await tab('查重');
      await page.locator('table.rates').waitFor();
    }
    const rowOf = (e: Entry) =>
      page.locator('table.rates tbody tr.flagged', { has: page.getByRole('link', { name: e.title, exact: true }) });
    expect(await rowOf(COPY).locator('.badge.decided').textContent()).toBe('查重：取消资格');
    expect(await rowOf(ORIGINAL).locator('.badge.decided').textContent()).toBe('查重：保留');

    // 形式审查 counts the decision.
    await tab('形式审查');
    expect(await page.locator('#elig-counts [data-count="status-disqualified"] strong').textContent()).toBe('1');
  });

  it('imports the experts and assigns every valid entry automatically', async () => {
    await tab('专家');
    await page.getByLabel('专家名单文件').setInputFiles({ name: '专家名单.xlsx', mimeType: XLSX, buffer: await expertList() });
    await page.getByRole('button', { name: '导入', exact: true }).click();
    const created = page.locator('#experts-import-result');
    await created.locator('.secret').first().waitFor();
    expect(await created.locator('.secret').count()).toBe(EXPERTS.length);
    await shot('07-experts');

    await tab('评审分配');
    await page.getByRole('button', { name: '自动分配' }).click();
    await waitForText('.alert', '自动分配完成');
    expect(await page.locator('.alert', { hasText: '自动分配完成' }).textContent()).toContain(`共 ${VALID * EXPERTS.length} 条分配`);
    const rows = page.locator('table.assignments tbody tr');
    expect(await rows.count()).toBe(VALID);
    expect(await rows.filter({ hasText: COPY.title }).count()).toBe(0);
    expect(await page.locator('table.assignments tbody tr.short').count()).toBe(0);
    await shot('08-assigned');
  });

  it('downloads the score sheet on 评审进度, fills every row and uploads it back', async () => {
    await tab('评审进度');
    await page.locator('#progress-stats').waitFor();
    expect(await page.locator('#progress-stats div').first().locator('strong').textContent()).toBe('0');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '下载全部评分表' }).click()]);
    expect(download.suggestedFilename()).toBe(`${CONTEST_NAME}-评分表.xlsx`);
    const { filled, rows, sheets } = await fillScoreSheet(await download.path());
    expect(sheets).toEqual([CATEGORY]);
    expect(rows).toBe(VALID * EXPERTS.length);

    await page.getByLabel('填好的评分表（.xlsx）').setInputFiles({ name: '评分表-已填.xlsx', mimeType: XLSX, buffer: filled });
    await page.locator('#score-sheet').getByRole('button', { name: '上传并导入' }).click();
    await waitForText('#sheet-result', '评分表导入结果', 30_000);
    const stats = page.locator('#sheet-result .stats strong');
    expect(await stats.allTextContents()).toEqual([String(rows), '0', '0']);
    await shot('09-sheet-imported');

    await page.getByRole('link', { name: '刷新评审进度' }).click();
    await page.locator('#progress-stats').waitFor();
    expect(await page.locator('#progress-stats strong').allTextContents()).toEqual([String(rows), '0', String(rows), '0', '0']);
    await shot('10-progress');
  });

  it('sees the bands on 评奖 and settles the boundary tie with reasons', async () => {
    await tab('评奖');
    await waitForText('h1', '评奖结果');
    const group = page.locator('.award-group', { hasText: CATEGORY }).first();
    expect(await group.textContent()).toContain(`有效作品 ${VALID} 件`);
    for (const tr of await group.locator('table.award-entries tbody tr').all()) {
      codes.set((await tr.locator('td.title').textContent())!.trim(), (await tr.locator('td').nth(1).textContent())!.trim());
    }
    expect([...codes.keys()].sort()).toEqual(ENTRIES.map((e) => e.title).sort());
    expect(await group.locator('table.bands tbody tr td:nth-child(3)').allTextContents()).toEqual(CAPS.map((b) => String(b.cap)));
    await expect(group.locator('.tie-box').textContent()).resolves.toContain('跨越“一等奖”与“二等奖”的边界');
    await waitForText('#blockers', '边界并列');
    await shot('11-awards-tie');

    const drawer = page.locator('#decision');
    for (const [entry, band, reason] of [
      [ENTRIES[0], '一等奖', '评审会议决定：区域教研转型的机制更完整'],
      [ENTRIES[1], '二等奖', '评审会议决定：与并列作品比较后列二等奖'],
    ] as const) {
      const code = codes.get(entry.title)!;
      await page.locator('.tie-box li', { hasText: code }).getByRole('link', { name: '决定奖项' }).click();
      await waitForText('#decision h2', code);
      await drawer.getByLabel(band).check();
      await drawer.getByLabel('调整理由（必填，记入日志）').fill(reason);
      await drawer.getByRole('button', { name: '保存调整' }).click();
      await waitForText('td.notes', reason);
    }
    await waitForText('.tie-box.resolved', '边界并列（已决定）');
    await waitForText('#summary .badge', '可以公示');
    await shot('12-awards-settled');
  });

  it('publishes version 1 and downloads 获奖名单, one sheet per category with the capped bands', async () => {
    await page.getByRole('link', { name: '公示与导出' }).click();
    await waitForText('h1', '公示');
    await page.getByRole('button', { name: '公示第 1 版' }).click();
    await page.waitForURL(/\/awards\/publications\/1$/);
    await waitForText('.badge', '存档完好');
    await shot('13-published');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: '评奖工作簿（Excel，含编号、得分与名额计算）' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${CONTEST_NAME}评奖工作簿（第1版公示）.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(await download.path());
    expect(wb.worksheets.map((ws) => ws.name)).toEqual(['汇总', ...CATEGORIES.map(([name]) => name)]);

    const table = (name: string) => {
      const rows: string[][] = [];
      wb.getWorksheet(name)!.eachRow((row) => rows.push(Array.from({ length: 9 }, (_, i) => cellText(row.getCell(i + 1).value))));
      return rows;
    };
    const headerOf = (groupLabel: string) => ['序号', '编号', '作品名称', '作者', '单位', '区县', groupLabel, '最终得分', '奖项'];
    // The categories without entries keep their sheet, with the header alone.
    for (const [name, groupLabel] of CATEGORIES.slice(1)) expect(table(name)).toEqual([headerOf(groupLabel)]);

    // The worked example: 10 valid entries at 10/20/30 give 1 / 2 / 3 seats.
    expect(CAPS.map((b) => b.cap)).toEqual([1, 2, 3]);
    // Entries are ranked by level (ENTRIES is in that order), the tied pair as the organizer decided; every seat is filled.
    const bandOf = (rank: number) => CAPS.find((_, i) => rank < CAPS.slice(0, i + 1).reduce((sum, b) => sum + b.cap, 0))!.name;
    const awarded = CAPS.reduce((sum, b) => sum + b.cap, 0);
    const expected = ENTRIES.slice(0, awarded).map((e, i) => [
      String(i + 1),
      codes.get(e.title)!,
      e.title,
      e.teacher,
      e.school,
      '',
      e.stage,
      String(e.level! * CRITERIA),
      bandOf(i),
    ]);
    const [head, ...rows] = table(CATEGORY);
    expect(head).toEqual(headerOf('学段'));
    expect(rows).toEqual(expected);
    for (const b of CAPS)
      expect(
        rows.filter((r) => r[8] === b.name),
        b.name,
      ).toHaveLength(b.cap);

    const summary = table('汇总').filter((r) => r[0] === CATEGORY);
    expect(summary.map((r) => [r[2], r[4], r[6], r[7]])).toEqual(CAPS.map((b) => [String(VALID), b.name, String(b.cap), String(b.cap)]));
  });

  it('raised no script errors or CSP violations on any page', () => {
    expect(problems).toEqual([]);
  });
});
