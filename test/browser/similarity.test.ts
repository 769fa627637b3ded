import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createContest } from '../../src/contests/index.ts';
import { importPath } from '../../src/ingest/import.ts';
import { createUser } from '../../src/users/accounts.ts';
import { ProseGenerator } from '../../scripts/lib/prose.ts';
import { Random } from '../../scripts/lib/random.ts';
import { makeDocx } from '../helpers/docx.ts';
import { ARTIFACTS, type Harness, skipBrowserTests, startHarness } from './harness.ts';

const RULES = 'rules/fujian-platform-cases-training-and-scenarios.yaml';
const PASSWORD = 'Organizer-pass1';

const prose = new ProseGenerator(new Random(31));
const paragraphs = (n: number): string[] => Array.from({ length: n }, () => prose.paragraph(4).join(''));

/**
 * Two entries: 借鉴 opens with ten paragraphs of its own, then copies paragraphs of 原创 in another
 * order between paragraphs of its own, so the passages of one are far from their counterparts.
 */
async function submissions(root: string): Promise<void> {
  const original = paragraphs(14);
  const entries = [
    { folder: '小学+实验小学+张明/区域研修应用案例/智慧平台助力区域教研（原创）', title: '智慧平台助力区域教研', paragraphs: original },
    {
      folder: '小学+城南小学+李华/区域研修应用案例/区域研修的实践探索（借鉴）',
      title: '区域研修的实践探索',
      paragraphs: [
        ...paragraphs(10),
        ...[8, 3, -1, 10, 0, -1, 6, 1, 12].map((i) => (i < 0 ? paragraphs(1)[0] : original[i].replace(/，/g, ','))),
      ],
    },
  ];
  for (const e of entries) {
    const dir = path.join(root, ...e.folder.split('/'));
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, '案例介绍.docx'),
      await makeDocx({ title: e.title, byline: '福建省 案例', sections: [{ heading: '一、基本情况', paragraphs: e.paragraphs }] }),
    );
  }
}

describe.skipIf(skipBrowserTests)('browser: 查重 from the scan to the pair view', () => {
  let h: Harness;
  let page: Page;
  let base: string;
  let contestId: number;
  let problems: string[];

  const shot = (name: string) => h.shot(name);

  beforeAll(async () => {
    h = await startHarness({
      name: 'similarity',
      beforeListen: async (app, db) => {
        const organizer = await createUser(
          db,
          { username: 'organizer', displayName: '组织者', role: 'organizer', password: PASSWORD, mustChangePassword: false },
          null,
        );
        contestId = await createContest(db, {
          name: '2024年区级教师研修案例评选',
          rulesYaml: fs.readFileSync(RULES, 'utf8'),
          rulesSource: path.basename(RULES),
          userId: organizer,
        });
        const root = path.join(app.dataDir, 'submissions');
        await submissions(root);
        expect((await importPath(db, contestId, root, { blobs: app.blobs })).imported).toBe(2);
      },
    });
    ({ page, base, problems } = h);
  });

  afterAll(() => h?.close());

  it('scans from the 查重 tab and lists the copier flagged, with the histogram', async () => {
    await page.goto(`${base}/login`);
    await page.getByLabel('用户名').fill('organizer');
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/contests$/);
    await page.goto(`${base}/contests/${contestId}`);
    await page.getByRole('link', { name: '查重', exact: true }).click();
    await page.locator('.empty', { hasText: '还没有查重结果' }).waitFor();
    await page.getByRole('button', { name: '开始查重' }).click();
    // the job page shows the progress, then sends the browser to the results
    await page.waitForURL(new RegExp(`/contests/${contestId}/similarity$`), { timeout: 30_000 });
    await page.locator('table.rates').waitFor();
    expect(await page.locator('table.rates tbody tr.flagged').count()).toBe(2);
    expect(await page.locator('svg.histogram line.threshold').count()).toBe(1);
    await shot('01-rates');
  });

  it('opens the flagged entry’s report, then its pair view with the passages highlighted on both sides', async () => {
    await page.locator('table.rates tbody tr.flagged a', { hasText: '借鉴' }).click();
    await page.locator('h1', { hasText: '文本复制检测报告单' }).waitFor();
    expect(await page.locator('.passage-text.full mark').count()).toBeGreaterThan(0);
    await shot('02-report');
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: path.join(ARTIFACTS, 'similarity-03-report-print.png'), fullPage: true });
    expect(await page.locator('.topbar').isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });

    await page.locator('table.sources a', { hasText: '对照' }).first().click();
    await page.locator('h1', { hasText: '相似文档对照' }).waitFor();
    const left = page.locator('[data-side="left"] .passage-text');
    const right = page.locator('[data-side="right"] .passage-text');
    expect(await left.locator('mark').count()).toBeGreaterThan(0);
    expect(await right.locator('mark').count()).toBeGreaterThan(0);
    await shot('04-pair');
  });

  /** Whether the start of passage `key` in a pane is inside the pane's visible area (and the window's). */
  const startInView = ([side, key]: readonly [string, string]): boolean => {
    const pane = document.querySelector(`[data-side="${side}"] .passage-text`)!;
    const mark = pane.querySelector(`mark[data-s~="${key}"]`)!;
    const [p, m] = [pane.getBoundingClientRect(), mark.getClientRects()[0]];
    return m.top >= p.top && m.bottom <= p.bottom && m.top >= 0 && m.bottom <= window.innerHeight;
  };
  const inView = (side: 'left' | 'right', key: string) => page.evaluate(startInView, [side, key] as const);

  it('brings the counterpart of a clicked passage into view, in both directions', async () => {
    for (const [from, to] of [
      ['left', 'right'],
      ['right', 'left'],
    ] as const) {
      const keys = await page
        .locator(`[data-side="${from}"] mark`)
        .evaluateAll((marks) => [...new Set(marks.map((m) => (m as HTMLElement).dataset.s!.split(' ')[0]))]);
      // a passage whose counterpart is out of sight before the click
      let hidden: string | undefined;
      for (const k of keys) if (!(await inView(to, k))) hidden = k;
      expect(hidden).toBeDefined();
      await page.locator(`[data-side="${from}"] mark[data-s~="${hidden}"]`).first().click();
      await page.waitForFunction(startInView, [to, hidden!] as const, { timeout: 5_000 });
      expect(await page.locator(`[data-side="${to}"] mark[data-s~="${hidden}"]`).first().getAttribute('class')).toBe('current');
      expect(await inView(to, hidden!)).toBe(true);
      expect(await page.locator(`[data-side="${from}"] mark.current`).count()).toBeGreaterThan(0);
      await shot(`05-pair-clicked-${from}`);
    }
  });

  it('uploads a library document with htmx and shows the results need updating', async () => {
    await page.getByRole('link', { name: '比对库与模板' }).click();
    await page.locator('h1', { hasText: '比对库与模板' }).waitFor();
    await page
      .locator('input[type=file]')
      .setInputFiles({ name: '2023年获奖案例.txt', mimeType: 'text/plain', buffer: Buffer.from(paragraphs(5).join('\n\n')) });
    await page.getByRole('button', { name: '上传', exact: true }).click();
    await page.locator('.upload-result', { hasText: '已添加 1 份' }).waitFor();
    expect(await page.locator('table.library td', { hasText: '2023年获奖案例.txt' }).count()).toBe(1);
    await shot('06-library');
    await page.getByRole('link', { name: '重复率' }).click();
    await page.locator('.stale', { hasText: '比对库或作品类别有变化' }).waitFor();
    await page.locator('nav.tabs a', { hasText: '一稿多投与相似主题' }).click();
    await page.locator('h1', { hasText: '一稿多投与相似主题' }).waitFor();
    await shot('07-suspects');
  });

  it('raised no script errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
