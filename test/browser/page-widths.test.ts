import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createDemoContest, DEMO_PASSWORD } from '../../scripts/demo.ts';
import { type Harness, skipBrowserTests, startHarness } from './harness.ts';

/**
 * Tables that read at every width people use: the demo contest (scanned, checked, scored) opened in Chromium at
 * 1400 px (a desktop), 1024 px (a laptop or a tablet on its side) and 390 px (a phone). On each page the body does not
 * scroll sideways (wide tables scroll inside their own box), no table cell with Chinese text is squeezed narrower than
 * four characters (the 初/中 stacked a character a line that made the entries page 3,748 px tall), and the page's main
 * control is on screen. Screenshots of every page and width go to test-artifacts/ for people to look at.
 */

const WIDTHS = [1400, 1024, 390] as const;

interface PageCase {
  name: string;
  path: string;
  /** The control a person comes to the page for. */
  control: (page: Page) => ReturnType<Page['locator']>;
}

/** What breaks the layout on the open page: sideways scrolling of the body, squeezed Chinese cells. */
interface LayoutReport {
  scrollWidth: number;
  innerWidth: number;
  /** Chinese text squeezed: a table cell narrower than `need` px, or other text set on `need` lines. */
  squeezed: { text: string; width: number; need: number }[];
}

function measure(): LayoutReport {
  const cjk = /[\u3400-\u9fff]/;
  const squeezed: LayoutReport['squeezed'] = [];
  for (const cell of document.querySelectorAll<HTMLTableCellElement>('td, th')) {
    // Cells nobody sees (a closed 图中数据, a hidden row) have no layout to judge.
    if (cell.getClientRects().length === 0 || cell.closest('details:not([open])')) continue;
    const text = (cell.textContent ?? '').replace(/\s+/g, '');
    if (!cjk.test(text)) continue;
    const style = getComputedStyle(cell);
    const em = Number.parseFloat(style.fontSize);
    const width = cell.clientWidth - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.paddingRight);
    // Four characters, or the whole text when it is shorter (是, 已提交): a Chinese character is an em wide, a digit or
    // Latin letter about half (1.2 秒 needs less than 四个汉字); a tenth of an em of slack for rounding.
    const need = [...text].slice(0, 4).reduce((w, ch) => w + (cjk.test(ch) ? em : em / 2), 0) - em / 10;
    if (width < need) squeezed.push({ text: text.slice(0, 20), width: Math.round(width), need: Math.round(need) });
  }
  // Any other Chinese text squeezed (a tab 概/况, a menu 竞/赛, a title three characters a line): under four a line.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    const raw = (node.textContent ?? '').trim();
    const chars = [...raw.replace(/\s+/g, '')];
    if (!parent || chars.length < 2 || parent.closest('svg, details:not([open])')) continue;
    // A code, number or date (C2026-0003, 13.0%, 2026-12-12) broken over two lines.
    const token = !cjk.test(raw) && !/\s/.test(raw);
    if (!token && (!cjk.test(raw) || parent.closest('td, th'))) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
    if (lines > 1 && (token || chars.length < 4 * lines)) squeezed.push({ text: raw.slice(0, 20), width: parent.clientWidth, need: lines });
  }
  return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, squeezed };
}

describe.skipIf(skipBrowserTests)('browser: pages at 1400, 1024 and 390 px', () => {
  let h: Harness;
  let contestId = 0;
  let assignmentId = 0;

  beforeAll(async () => {
    let submissions = '';
    h = await startHarness({
      name: 'widths',
      prepare: async (dataDir) => {
        submissions = path.join(dataDir, 'demo');
      },
      beforeListen: async (_app, db) => {
        ({ contestId } = await createDemoContest(db, submissions));
      },
    });
  }, 120_000);
  afterAll(() => h?.close());

  const organizerPages = (): PageCase[] => [
    { name: 'home', path: `/contests/${contestId}`, control: (p) => p.locator('ol.flow') },
    { name: 'entries', path: `/contests/${contestId}/entries`, control: (p) => p.getByRole('button', { name: '筛选' }) },
    { name: 'eligibility', path: `/contests/${contestId}/eligibility`, control: (p) => p.getByRole('button', { name: '筛选' }) },
    { name: 'similarity', path: `/contests/${contestId}/similarity`, control: (p) => p.getByRole('button', { name: '更新查重结果' }) },
    {
      name: 'progress',
      path: `/contests/${contestId}/progress`,
      // No SMTP server in the demo: the 待评清单 for SMS and WeChat is what the organizer takes.
      control: (p) => p.getByRole('link', { name: /待评清单/ }).first(),
    },
    { name: 'awards', path: `/contests/${contestId}/awards`, control: (p) => p.getByRole('link', { name: /获奖名单/ }).first() },
  ];
  const expertPages = (): PageCase[] => [
    { name: 'expert-home', path: '/', control: (p) => p.locator('#next-unscored') },
    { name: 'review', path: `/reviews/${assignmentId}`, control: (p) => p.getByRole('button', { name: '提交评分' }) },
  ];

  /** Opens each page at each width; returns what went wrong, so one run shows every failure. */
  async function check(pages: PageCase[]): Promise<string[]> {
    const failures: string[] = [];
    for (const width of WIDTHS) {
      await h.page.setViewportSize({ width, height: width < 600 ? 844 : 900 });
      for (const c of pages) {
        const response = await h.page.goto(`${h.base}${c.path}`);
        expect(response?.status(), c.path).toBe(200);
        await h.shot(`${c.name}-${width}`);
        const report = await h.page.evaluate(measure);
        const where = `${c.name} @${width}px`;
        if (report.scrollWidth > report.innerWidth) failures.push(`${where}: body ${report.scrollWidth} px wide in ${report.innerWidth}`);
        // One line per kind of text (C2026-0001 … C2026-0050 are one), with how many there are.
        const kinds = new Map<string, LayoutReport['squeezed']>();
        for (const s of report.squeezed) kinds.set(s.text.replace(/\d/g, '#'), [...(kinds.get(s.text.replace(/\d/g, '#')) ?? []), s]);
        for (const [s, ...more] of kinds.values())
          failures.push(
            `${where}: “${s.text}” squeezed into ${s.width} px (${s.need})${more.length ? ` and ${more.length} more like it` : ''}`,
          );
        const control = c.control(h.page);
        const box = (await control.isVisible()) ? await control.boundingBox() : null;
        if (!box || box.x < 0 || box.x + box.width > width) failures.push(`${where}: main control not on screen`);
      }
    }
    return failures;
  }

  it("lays out the organizer's pages without sideways scrolling or squeezed Chinese cells", async () => {
    await h.login('demo-organizer', DEMO_PASSWORD);
    expect(await check(organizerPages())).toEqual([]);
    expect(h.problems).toEqual([]);
  }, 180_000);

  it("lays out the expert's home and scoring page the same, on a phone too", async () => {
    await h.page.context().clearCookies();
    await h.login('demo-expert1', DEMO_PASSWORD);
    const expert = await h.db.selectFrom('users').select('id').where('username', '=', 'demo-expert1').executeTakeFirstOrThrow();
    // A review still open, so the page shows its form.
    const open = await h.db
      .selectFrom('assignments')
      .leftJoin('reviews', 'reviews.assignment_id', 'assignments.id')
      .select('assignments.id')
      .where('assignments.expert_id', '=', expert.id)
      .where('assignments.status', '=', 'active')
      .where((eb) => eb.or([eb('reviews.status', 'is', null), eb('reviews.status', '=', 'draft')]))
      .orderBy('assignments.id')
      .executeTakeFirstOrThrow();
    assignmentId = open.id;
    expect(await check(expertPages())).toEqual([]);
    // On a phone each task is a card: its state is on screen beside its code, not in a column scrolled out of view.
    await h.page.setViewportSize({ width: 390, height: 844 });
    await h.page.goto(`${h.base}/`);
    const task = h.page.locator('table.tasks tbody tr').first();
    const [code, state] = await Promise.all([task.locator('td').first().boundingBox(), task.locator('.badge').boundingBox()]);
    expect(state && code && state.x + state.width <= 390 && Math.abs(state.y - code.y) < 10).toBe(true);
    expect(h.problems).toEqual([]);
  }, 120_000);
});
