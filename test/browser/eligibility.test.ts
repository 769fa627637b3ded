import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { addMember } from '../../src/contests/members.ts';
import { createUser } from '../../src/users/accounts.ts';
import { MISSING_SECTION, OVER_LIMIT, importEligibilityContest } from '../helpers/eligibility-contest.ts';
import { type Harness, skipBrowserTests, startHarness } from './harness.ts';

const PASSWORD = 'Organizer-pass-1';

describe.skipIf(skipBrowserTests)('browser: 形式审查 from the board to a decision', () => {
  let h: Harness;
  let page: Page;
  let base: string;
  let contestId: number;
  let ids: Map<string, number>;
  let problems: string[];

  const shot = (name: string) => h.shot(name);
  /** The number on a count tile of the board (待审, 取消资格, 检查不通过 …). */
  const tile = (key: string) => page.locator(`#elig-counts [data-count="${key}"] strong`);
  const entryRows = () => page.locator('#elig-results tr.entry-row');

  beforeAll(async () => {
    h = await startHarness({
      name: 'eligibility',
      viewport: { width: 1280, height: 900 },
      beforeListen: async (app, db) => {
        await createUser(
          db,
          { username: 'organizer', displayName: '市教研室', role: 'organizer', password: PASSWORD, mustChangePassword: false },
          null,
        );
        ({ contestId, ids } = await importEligibilityContest(db, app.blobs));
        await addMember(db, contestId, 'organizer', 'organizer', null);
      },
    });
    ({ page, base, problems } = h);
  });

  afterAll(() => h?.close());

  it('opens the board from the contest and runs every check', async () => {
    await page.goto(`${base}/login`);
    await page.getByLabel('用户名').fill('organizer');
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/contests$/);
    await page.goto(`${base}/contests/${contestId}`);
    await page.getByRole('link', { name: '形式审查', exact: true }).click();
    await page.waitForURL(/\/eligibility$/);
    await page.locator('#check-run', { hasText: '尚未运行检查' }).waitFor();
    expect(await tile('verdict-unchecked').textContent()).toBe('4');

    await page.getByRole('button', { name: '运行全部检查' }).click();
    await page.locator('#check-run', { hasText: '最近一次全部检查' }).waitFor({ timeout: 15_000 });
    expect(await tile('verdict-fail').textContent()).toBe('2');
    expect(await tile('verdict-pass').textContent()).toBe('2');
    expect(await tile('status-submitted').textContent()).toBe('4');
    expect(await entryRows().count()).toBe(4);
    await shot('01-board');
  });

  it('filters to the failing entries and sees why one failed', async () => {
    await page.getByLabel('检查结果').selectOption('fail');
    await page.waitForFunction(() => document.querySelectorAll('#elig-results tr.entry-row').length === 2, null, { timeout: 10_000 });
    await page.waitForURL(/verdict=fail/);
    const row = page.locator(`#entry-row-${ids.get(MISSING_SECTION.title)}`);
    await row.getByRole('link', { name: '检查详情' }).click();
    const checklist = page.locator(`#checklist-${ids.get(MISSING_SECTION.title)}`);
    await checklist.getByText('案例介绍.docx：缺少“特色与创新”部分（应包含基本情况、过程与举措、经验与成效、特色与创新）').waitFor();
    // The over-long case's row already names its problem.
    expect(await page.locator(`#entry-row-${ids.get(OVER_LIMIT.title)} .issue.fail`).allTextContents()).toEqual(['案例介绍·字数']);
    await shot('02-failing-entry');
  });

  it('disqualifies the entry with a reason and sees the counts change', async () => {
    const id = ids.get(MISSING_SECTION.title)!;
    const checklist = page.locator(`#checklist-${id}`);
    await checklist.getByLabel('取消资格').check();
    await checklist.getByLabel('审定理由（必填）').fill('案例介绍缺少“特色与创新”部分，逾期未补交');
    await checklist.getByRole('button', { name: '保存审定' }).click();
    await checklist.getByText('已审定为“取消资格”').waitFor();
    await page.locator('#elig-counts [data-count="status-disqualified"] strong', { hasText: '1' }).waitFor();
    expect(await tile('status-submitted').textContent()).toBe('3');
    expect(await page.locator(`#entry-row-${id} .badge.disqualified`).textContent()).toBe('取消资格');
    expect(await checklist.locator('table.history').textContent()).toContain('案例介绍缺少“特色与创新”部分，逾期未补交');
    await shot('03-decided');

    // A reload shows the same.
    await page.reload();
    expect(await tile('status-disqualified').textContent()).toBe('1');
    expect(await tile('status-submitted').textContent()).toBe('3');
  });

  it('returns the remaining failing entry in bulk after confirming the count', async () => {
    await page.getByLabel('审定状态').selectOption('submitted');
    await page.waitForFunction(() => document.querySelectorAll('#elig-results tr.entry-row').length === 1, null, { timeout: 10_000 });
    const bulk = page.locator('#bulk-panel');
    await bulk.getByLabel('审定结果').selectOption('退回修改');
    await bulk.getByLabel('审定理由（必填）').fill('正文超过 3000 字，请压缩后重新报送');
    await bulk.getByRole('button', { name: '下一步：核对数量' }).click();
    await bulk.getByRole('button', { name: '确认审定 1 件作品' }).waitFor();
    expect(await bulk.locator('.codes').textContent()).toContain(
      await page
        .locator(`#entry-row-${ids.get(OVER_LIMIT.title)} td`)
        .first()
        .textContent(),
    );
    await shot('04-bulk-confirm');
    await bulk.getByRole('button', { name: '确认审定 1 件作品' }).click();
    await page.getByText('已将 1 件作品审定为“退回修改”').waitFor();
    expect(await tile('status-returned').textContent()).toBe('1');
    expect(await tile('status-submitted').textContent()).toBe('2');
    expect(await entryRows().count()).toBe(0);
    await shot('05-bulk-done');
  });

  it('raised no script errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
