import fs from 'node:fs';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContest } from '../../src/contests/index.ts';
import { importUnitList } from '../../src/units/store/units.ts';
import { createUser } from '../../src/users/accounts.ts';
import { cases, unitListXlsx, unitPackage } from '../helpers/city-packages.ts';
import { type Harness, skipBrowserTests, startHarness } from './harness.ts';

const PASSWORD = 'Organizer-2024';

/** Waits until the element contains `text` (pages reload after each form). */
const see = (locator: Locator, text: string) => locator.filter({ hasText: text }).first().waitFor({ timeout: 15_000 });
const NEW_PASSWORD = 'Dongh-2024-ok';

/**
 * Delegated intake in Chromium: the organizer gives 东湖区 and 西山县 their accounts; 东湖区 sends its package,
 * is refused a 41st pick, submits 40 before the deadline, and a package it sends after the deadline is 逾期;
 * 西山县 never sees 东湖区's entries, by its list or by URL.
 */
describe.skipIf(skipBrowserTests)('delegated intake in the browser', () => {
  let h: Harness;
  let contestId = 0;
  let second: BrowserContext;

  beforeAll(async () => {
    h = await startHarness({
      name: 'unit-intake',
      beforeListen: async (_app, db) => {
        const organizer = await createUser(
          db,
          { username: 'shidianjiao', displayName: '市电教馆', role: 'organizer', password: PASSWORD, mustChangePassword: false },
          null,
        );
        contestId = await createContest(db, {
          rulesYaml: fs.readFileSync('rules/city-platform-application-special.yaml', 'utf8'),
          rulesSource: 'city.yaml',
          userId: organizer,
        });
        await importUnitList(db, contestId, await unitListXlsx(), '报送单位.xlsx', null);
      },
    });
    second = await h.browser.newContext({ locale: 'zh-CN' });
  }, 60_000);
  afterAll(async () => {
    await second?.close();
    await h?.close();
  });

  /** The organizer creates a unit's account on the 单位与名额 page and reads its one-time password. */
  async function createAccount(unit: string): Promise<{ username: string; password: string }> {
    await h.page.goto(`${h.base}/contests/${contestId}/units`);
    await h.page.getByRole('button', { name: `为${unit}创建报送账号` }).click();
    const text = (await h.page.locator('#created-account').textContent()) ?? '';
    const m = /用户名 (\S+)，一次性密码 (\S+)（/.exec(text);
    if (!m) throw new Error(`no account in: ${text}`);
    return { username: m[1], password: m[2] };
  }

  async function setCountyDeadline(closes: string) {
    await h.page.goto(`${h.base}/contests/${contestId}/units`);
    await h.page.getByLabel('区县推优截止时间').fill(closes);
    await h.page.locator('#stages tr', { hasText: '区县推优' }).getByRole('button', { name: '保存' }).click();
    await h.waitForText('.alert.ok', '已设定区县推优的截止时间');
  }

  async function firstLogin(page: Page, account: { username: string; password: string }) {
    await page.goto(`${h.base}/login`);
    await page.getByLabel('用户名').fill(account.username);
    await page.getByLabel('密码').fill(account.password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByLabel('当前密码').fill(account.password);
    await page.getByLabel('新密码', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('再次输入新密码').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: '保存新密码' }).click();
    await page.waitForURL((url) => url.pathname === '/portal');
  }

  async function upload(page: Page, name: string, zip: Buffer, rows: number) {
    await page.locator('#upload-form input[type=file]').setInputFiles({ name, mimeType: 'application/zip', buffer: zip });
    await page.getByRole('button', { name: '上传' }).click();
    await page
      .locator('#entries tbody tr')
      .nth(rows - 1)
      .waitFor({ timeout: 60_000 });
    await page.goto(`${h.base}/portal`);
  }

  it('a county picks within its quota before the deadline; a package after it is 逾期; another county cannot see it', async () => {
    await h.login('shidianjiao', PASSWORD);
    await setCountyDeadline('2099-08-20 17:00');
    const east = await createAccount('东湖区');
    const west = await createAccount('西山县');
    await see(h.page.locator('#units'), east.username);

    const page = await h.browser.newPage({ locale: 'zh-CN' });
    await firstLogin(page, east);
    await see(page.locator('#deadline'), '2099-08-20 17:00');
    await upload(
      page,
      '东湖区推荐包.zip',
      await unitPackage('东湖区', [
        ...cases('东湖区', ['东湖区实验小学', '东湖区第二中学'], 41),
        { title: '东湖区国家平台区域推广应用案例', school: '东湖区教育局', group: '区县案例' },
      ]),
      42,
    );
    await see(page.locator('#quota'), '需占名额 41 件');
    await see(page.locator('#entries tr', { hasText: '区域推广应用案例' }), '不占名额');

    const pickButtons = () => page.locator('#entries').getByRole('button', { name: '选为推荐' });
    for (let i = 0; i < 40; i++) await pickButtons().first().click();
    await see(page.locator('#quota'), '已选推荐 40 件');
    await pickButtons().first().click();
    await see(
      page.locator('.alert.error'),
      '已选满 40 件，不能再选：东湖区最多可推荐 40 件（县（市）区推优名额），已选 41 件，请减少 1 件',
    );
    await page.getByRole('button', { name: /提交推荐/ }).click();
    await see(page.locator('.alert.ok'), '已提交推荐：40 件作品进入下一阶段，其余 1 件未推荐');
    const entryLink = await page.locator('#entries a').first().getAttribute('href');
    await h.shot('county-submitted');

    // 西山县 sees none of it, from its list or by typing the address.
    const other = await second.newPage();
    await firstLogin(other, west);
    await see(other.locator('h1'), '西山县');
    expect(await other.locator('#entries').count()).toBe(0);
    const byUrl = await other.goto(`${h.base}${entryLink}`);
    expect(byUrl?.status()).toBe(404);
    const organizerPage = await other.goto(`${h.base}/contests/${contestId}/entries`);
    expect(organizerPage?.status()).toBe(403);

    // After the deadline, what 东湖区 sends is marked 逾期 and held.
    await setCountyDeadline('2020-08-20 17:00');
    await page.goto(`${h.base}/portal`);
    await upload(page, '东湖区补报.zip', await unitPackage('东湖区', cases('东湖区', ['东湖区实验小学'], 1, 90)), 43);
    const late = page.locator('#entries tr', { hasText: '东湖区平台应用案例90' });
    await see(late, '逾期');
    await see(late, '待定');
    await h.page.goto(`${h.base}/contests/${contestId}/units`);
    await see(h.page.locator('#late'), '东湖区平台应用案例90');
    await see(h.page.locator('#exempt'), '东湖区国家平台区域推广应用案例');
    expect(h.problems).toEqual([]);
  }, 180_000);
});
