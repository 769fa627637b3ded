import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { Db } from '../../src/db/connect.ts';
import { createUser } from '../../src/users/accounts.ts';
import { caseDocumentSpec, makeDocx } from '../helpers/docx.ts';
import { makeZip } from '../server-helpers.ts';
import { ARTIFACTS, type Harness, skipBrowserTests, startHarness } from './harness.ts';

/** An ordinary laptop screen: the scoring screen has to work here. */
const LAPTOP = { width: 1366, height: 768 };
const ORGANIZER_PASSWORD = 'Organizer-pass1';
const EXPERT_NEW_PASSWORD = 'Expert-new-pass2';

const ENTRIES = [
  { stage: '小学', school: '实验小学', teacher: '张明', title: '智慧平台助力区域教研转型' },
  { stage: '初中', school: '第二中学', teacher: '赵强', title: '县域教师数字素养提升行动' },
  { stage: '高中', school: '高级中学', teacher: '陈静', title: '平台资源支撑的跨校联合研修' },
  { stage: '小学', school: '城南小学', teacher: '李华', title: '寒假研修与日常教研的衔接' },
];

async function submissionZip(): Promise<Buffer> {
  const files = await Promise.all(
    ENTRIES.map(async (e, i) => ({
      name: `${e.stage}+${e.school}+${e.teacher}/区域研修应用案例/${e.title}/案例介绍.docx`,
      data: await makeDocx(caseDocumentSpec(e.title, i + 1, 2500)),
    })),
  );
  return makeZip(files);
}

async function expertList(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('专家');
  ws.addRow(['姓名', '单位', '区县', '手机', '专业']);
  ws.addRow(['王评审', '市教师发展中心', '市直', '13700000001', '小学语文']);
  ws.addRow(['冯评审', '市电化教育馆', '市直', '13700000002', '教育技术']);
  ws.addRow(['蒋评审', '市教科院', '市直', '13700000003', '教师教育']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe.skipIf(skipBrowserTests)('browser: expert judging from assignment to a submitted score', () => {
  let h: Harness;
  let db: Db;
  let expertContext: BrowserContext;
  let organizer: Page;
  let expert: Page;
  let base: string;
  let contestUrl: string;
  const expertLogin = { username: '', password: '' };
  let problems: string[];

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `judging-${name}.png`) });
  /** Collects script errors and CSP violations; a refused stale save (409) is what the stale tab expects. */
  const watch = (page: Page, expected?: RegExp) => {
    page.on('console', (m) => m.type() === 'error' && !expected?.test(m.text()) && problems.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  };
  const saveState = (page: Page) => page.locator('#save-state');
  const criterion = (page: Page, i: number) => page.locator('fieldset.criterion').nth(i);
  const scoreInput = (page: Page, i: number) => criterion(page, i).locator('input[type=number]');
  const expertEntryId = async () =>
    (await db.selectFrom('reviews').select('entry_id').where('status', '=', 'submitted').executeTakeFirstOrThrow()).entry_id;

  beforeAll(async () => {
    h = await startHarness({
      name: 'judging',
      viewport: LAPTOP,
      beforeListen: (_app, db) =>
        createUser(
          db,
          {
            username: 'organizer',
            displayName: '市教研室组织者',
            role: 'organizer',
            password: ORGANIZER_PASSWORD,
            mustChangePassword: false,
          },
          null,
        ).then(() => undefined),
    });
    ({ db, base, problems, page: organizer } = h);
    expertContext = await h.browser.newContext({ viewport: LAPTOP, locale: 'zh-CN' });
    expert = await expertContext.newPage();
    watch(expert);
  });

  afterAll(() => h?.close());

  it('organizer: creates a contest, imports entries and experts, and assigns', async () => {
    await organizer.goto(`${base}/login`);
    await organizer.getByLabel('用户名').fill('organizer');
    await organizer.getByLabel('密码').fill(ORGANIZER_PASSWORD);
    await organizer.getByRole('button', { name: '登录' }).click();
    await organizer.waitForURL(/\/contests$/);
    await organizer.getByRole('link', { name: '新建竞赛' }).click();
    await organizer.getByLabel(/2024年国家中小学智慧教育平台教师研修应用案例评选/).check();
    await organizer.getByLabel('竞赛名称').fill('2024年市级教师研修案例评选');
    await organizer.getByRole('button', { name: '创建竞赛' }).click();
    await organizer.waitForURL(/\/contests\/\d+$/);
    contestUrl = new URL(organizer.url()).pathname;

    await organizer.getByRole('link', { name: '导入', exact: true }).click();
    await organizer
      .locator('input[type=file]')
      .setInputFiles({ name: '报送作品.zip', mimeType: 'application/zip', buffer: await submissionZip() });
    await organizer.getByRole('button', { name: '上传并导入' }).click();
    await organizer.waitForURL(/\/imports\/\d+$/);
    await organizer.locator('.stats', { hasText: '新导入作品' }).waitFor({ timeout: 60_000 });
    expect(await organizer.locator('.stats div').first().locator('strong').textContent()).toBe(String(ENTRIES.length));

    await organizer.getByRole('link', { name: '专家', exact: true }).click();
    await organizer.getByLabel('专家名单文件').setInputFiles({
      name: '专家名单.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: await expertList(),
    });
    await organizer.getByRole('button', { name: '导入', exact: true }).click();
    const created = organizer.locator('#experts-import-result');
    await created.locator('.secret').first().waitFor();
    expect(await created.locator('.secret').count()).toBe(3);
    await shot(organizer, '01-experts-imported');
    const firstRow = created.locator('tbody tr').first();
    expertLogin.username = (await firstRow.locator('td').nth(2).textContent())!.trim();
    expertLogin.password = (await firstRow.locator('.secret').textContent())!.trim();
    expect(expertLogin.username).toBe('13700000001');

    await organizer.getByRole('link', { name: '评审分配' }).click();
    await organizer.getByLabel('每件作品的专家人数').fill('2');
    await organizer.getByRole('button', { name: '自动分配' }).click();
    await organizer.locator('.alert', { hasText: '自动分配完成' }).waitFor();
    expect(await organizer.locator('table.assignments tbody tr').count()).toBe(ENTRIES.length);
    await shot(organizer, '02-assigned');
  });

  it('expert: first login replaces the one-time password and lands on 我的评审', async () => {
    await expert.goto(`${base}/`);
    await expert.getByLabel('用户名').fill(expertLogin.username);
    await expert.getByLabel('密码').fill(expertLogin.password);
    await expert.getByRole('button', { name: '登录' }).click();
    await expert.waitForURL(/\/password/);
    await expert.getByLabel('当前密码').fill(expertLogin.password);
    await expert.getByLabel('新密码', { exact: true }).fill(EXPERT_NEW_PASSWORD);
    await expert.getByLabel('再次输入新密码').fill(EXPERT_NEW_PASSWORD);
    await expert.getByRole('button', { name: '保存新密码' }).click();
    await expert.waitForURL(`${base}/`);
    await expert.locator('h1', { hasText: '我的评审' }).waitFor();
    expect(await expert.locator('table.tasks tbody tr').count()).toBeGreaterThan(0);
    // Blind contest: the teacher names from the folders appear nowhere.
    for (const e of ENTRIES) expect(await expert.content()).not.toContain(e.teacher);
    await shot(expert, '03-expert-home');
  });

  it('expert: scores with the keyboard and by typing, reloads mid-way and finds the draft', async () => {
    await expert.locator('#next-unscored').click();
    await expert.waitForURL(/\/reviews\/\d+$/);
    await expert.locator('article.document', { hasText: '一、基本情况' }).waitFor();
    await shot(expert, '04-scoring-empty');

    // Number key 1 on the focused criterion selects its top level's band (优秀 17–20) and puts the cursor in the
    // score: no score is filled in until the expert types one.
    await criterion(expert, 0).focus();
    await expert.keyboard.press('1');
    await expect.poll(() => criterion(expert, 0).locator('.level[aria-pressed=true]').textContent()).toContain('优秀');
    expect(await scoreInput(expert, 0).inputValue()).toBe('');
    expect(await criterion(expert, 0).locator('.level-text').textContent()).toContain('请输入 17–20 之间的整数');
    await expert.keyboard.type('18');
    await expect.poll(() => saveState(expert).textContent(), { timeout: 10_000 }).toContain('已保存');
    // Half points are not in this rubric's step: refused on the page, never saved.
    await scoreInput(expert, 1).fill('15.5');
    await expect.poll(() => criterion(expert, 1).locator('.field-problem').textContent()).toContain('请输入 0–20 之间的整数');
    await scoreInput(expert, 1).fill('15');
    await expect.poll(() => expert.locator('#review-total').textContent()).toBe('33');
    await expect.poll(() => saveState(expert).textContent(), { timeout: 10_000 }).toContain('已保存');
    await shot(expert, '05-scoring-draft-saved');

    await expert.reload();
    await expect.poll(() => scoreInput(expert, 0).inputValue()).toBe('18');
    expect(await scoreInput(expert, 1).inputValue()).toBe('15');
    expect(await saveState(expert).textContent()).toContain('草稿已保存');
    expect(await criterion(expert, 0).locator('.level[aria-pressed=true]').textContent()).toContain('优秀');
  });

  it('a second tab with stale data is refused, told, and keeps what was typed', async () => {
    const stale = await expertContext.newPage();
    watch(stale, /status of 409/);
    await stale.goto(expert.url());
    await scoreInput(stale, 2).waitFor();

    // The first tab saves newer work; the second tab still holds the older version.
    await scoreInput(expert, 2).fill('16');
    await expect.poll(() => saveState(expert).textContent(), { timeout: 10_000 }).toContain('已保存');
    await scoreInput(stale, 2).fill('9');
    await scoreInput(stale, 2).press('Tab');
    await expect.poll(() => saveState(stale).textContent(), { timeout: 10_000 }).toContain('已在另一个窗口或设备上更新');
    expect(await scoreInput(stale, 2).inputValue()).toBe('9');
    expect(await saveState(stale).locator('.server-values').textContent()).toContain('16');
    await shot(stale, '06-stale-tab-refused');
    // beforeunload would ask about the unsaved value; this tab is just closed.
    await stale.close({ runBeforeUnload: false });
  });

  it('expert: submits a complete review, which is then locked', async () => {
    await expert.reload();
    await expect.poll(() => scoreInput(expert, 2).inputValue()).toBe('16');
    await scoreInput(expert, 3).fill('14');
    // A click on 良好 selects the band and focuses the score; the expert types a value inside it.
    await criterion(expert, 4).locator('.level').nth(1).click();
    await expect
      .poll(() => expert.evaluate(() => document.activeElement?.getAttribute('name')))
      .toBe(await scoreInput(expert, 4).getAttribute('name'));
    expect(await scoreInput(expert, 4).inputValue()).toBe('');
    await expert.keyboard.type('15');
    await expert.getByLabel('评语（必填）').fill('研修机制健全，平台资源运用充分，模式有一定创新。');
    await expect.poll(() => saveState(expert).textContent(), { timeout: 10_000 }).toContain('已保存');
    await shot(expert, '07-scoring-complete');
    await expert.getByRole('button', { name: '提交评分' }).click();
    await expert.locator('.save-state', { hasText: '评分已锁定' }).waitFor();
    expect(await expert.locator('#review-form').count()).toBe(0);
    await shot(expert, '08-submitted-locked');
  });

  it('organizer: the progress page shows the submitted review', async () => {
    await organizer.goto(`${base}${contestUrl}/progress`);
    await organizer.locator('#progress-stats').waitFor();
    expect(await organizer.locator('#progress-stats div').first().locator('strong').textContent()).toBe('1');
    const row = organizer.locator('table.experts-progress tbody tr', { hasText: '王评审' });
    expect(await row.locator('td').nth(4).textContent()).toBe('1');
    await shot(organizer, '09-progress');
    // The organizer can read every review: the submitted one is on its entry's page, with 退回.
    await organizer.goto(`${base}${contestUrl}/judging/entries/${await expertEntryId()}`);
    await organizer.locator('article.reviewer', { hasText: '研修机制健全' }).waitFor();
    expect(await organizer.getByRole('button', { name: '退回修改' }).count()).toBe(1);
    await shot(organizer, '10-entry-reviews');
  });

  it('expert: N goes to the next entry still to score', async () => {
    const before = expert.url();
    await expert.keyboard.press('n');
    await expert.waitForURL((url) => url.href !== before && /\/reviews\/\d+$/.test(url.pathname));
    await expert.locator('#review-form').waitFor();
  });

  it('raised no script errors or CSP violations on any page', () => {
    expect(problems).toEqual([]);
  });
});
