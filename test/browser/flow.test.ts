import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contestAwards } from '../../src/awards/store/contest.ts';
import { addMember } from '../../src/contests/members.ts';
import type { Db } from '../../src/db/connect.ts';
import { createUser } from '../../src/users/accounts.ts';
import { ProseGenerator } from '../../scripts/lib/prose.ts';
import { Random } from '../../scripts/lib/random.ts';
import { makeMp4 } from '../fixtures-media/mp4.ts';
import { makePdf } from '../fixtures-media/pdf.ts';
import { cli, cliJson } from '../helpers/cli.ts';
import { makeDocx } from '../helpers/docx.ts';
import { type Harness, skipBrowserTests, startHarness } from './harness.ts';

/**
 * The gates in Chromium: an organizer sees the copied entry and the entry failing 形式审查 as blockers on
 * 评奖 (in no band, not counted), is refused 公示 without a reason, decides both where the links lead, and
 * publishes; then edits the rule set — an award ratio and a rubric maximum — meets a Chinese error naming the
 * line and the field, saves, sees the award counts change and both versions in the history.
 */

const RULES = 'rules/fujian-platform-cases-training-and-scenarios.yaml';
const CONTEST = '城关区智慧教育平台应用案例评选';
const PASSWORD = 'Organizer-pass-1';
const HEADINGS = ['一、基本情况', '二、过程与举措', '三、经验与成效', '四、特色与创新'];
const TEACHERS = ['张明', '李华', '王芳', '赵强', '陈静', '刘洋', '杨磊', '黄敏', '周婷', '吴涛', '郑洁'];
const title = (i: number) => `依托平台开展区域研修的实践（${i + 1}）`;
const COPY = 9; // copies most of entry 1
const NO_STORY = 10; // sent no 数字故事

async function prepare(dir: string, dbFile: string): Promise<number> {
  const prose = new ProseGenerator(new Random(5));
  const sections = () => HEADINGS.map((heading) => ({ heading, paragraphs: [prose.paragraph(6).join(''), prose.paragraph(6).join('')] }));
  const texts = TEACHERS.map(sections);
  texts[COPY] = texts[0].map((s, j) => (j < 3 ? s : texts[COPY][j]));
  const root = path.join(dir, '报送作品');
  for (const [i, teacher] of TEACHERS.entries()) {
    const folder = path.join(root, `小学+城关第${i + 1}小学+${teacher}`, '区域研修应用案例', title(i));
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, '案例介绍.docx'), await makeDocx({ title: title(i), sections: texts[i] }));
    fs.writeFileSync(path.join(folder, '信息表.pdf'), makePdf([`案例名称：${title(i)}`]));
    fs.writeFileSync(path.join(folder, '支撑材料.pdf'), makePdf([`${title(i)} 研修通知`]));
    if (i !== NO_STORY)
      fs.writeFileSync(
        path.join(folder, '数字故事.mp4'),
        makeMp4({ seconds: 90 + i, width: 1920, height: 1080, fps: 25, audioSampleRate: 48000 }),
      );
  }
  const { id } = await cliJson<{ id: number }>('contest', 'create', '--rules', RULES, '--name', CONTEST, '--db', dbFile);
  const contest = String(id);
  await cliJson('import', contest, root, '--db', dbFile);
  const checked = await cliJson<{ entries: { code: string; title: string; checks: { status: string }[] }[] }>(
    'check',
    contest,
    '--db',
    dbFile,
  );
  // 人工核查 confirmed by the organizer for every entry 形式审查 passed; the one without its story stays open.
  for (const e of checked.entries.filter((x) => x.title !== title(NO_STORY)))
    await cliJson('decide', contest, e.code, '--on', 'eligibility', '--keep', '--reason', '人工核查完毕', '--db', dbFile);
  expect((await cli('scan', '--contest', contest, '--db', dbFile)).code).toBe(0);
  // The original of the copy is kept from the command line; the copy is left for the browser.
  const original = checked.entries.find((e) => e.title === title(0))?.code ?? '';
  await cliJson('decide', contest, original, '--on', 'similarity', '--keep', '--reason', '原创，被抄袭', '--db', dbFile);

  const experts = new ExcelJS.Workbook();
  const list = experts.addWorksheet('专家');
  list.addRow(['姓名', '单位', '区县', '手机']);
  for (const [i, name] of ['郑专家', '孙专家', '钱专家'].entries()) list.addRow([name, `市教研室${i}`, '市直', `1390000020${i}`]);
  await experts.xlsx.writeFile(path.join(dir, '专家.xlsx'));
  await cliJson('experts', 'import', contest, path.join(dir, '专家.xlsx'), '--db', dbFile);
  await cliJson('assign', contest, '--db', dbFile);
  await cli('scores', 'sheet', contest, '--out', path.join(dir, '评分表.xlsx'), '--db', dbFile);
  const sheet = new ExcelJS.Workbook();
  await sheet.xlsx.readFile(path.join(dir, '评分表.xlsx'));
  const ws = sheet.worksheets[0];
  const header = (ws.getRow(1).values as string[]).slice(1);
  const maxima = header.slice(3, -1).map((h) => Number(/（(\d+(?:\.\d+)?)分）/.exec(h)?.[1]));
  ws.eachRow((row, n) => {
    if (n === 1) return;
    const i = Number(/（(\d+)）$/.exec(String(row.getCell(2).value))?.[1] ?? 0);
    maxima.forEach((max, c) => {
      row.getCell(4 + c).value = Math.round(max * (1 - i * 0.05));
    });
    row.getCell(header.length).value = '结构完整';
  });
  await sheet.xlsx.writeFile(path.join(dir, '评分表-已填.xlsx'));
  await cliJson('scores', 'import', contest, path.join(dir, '评分表-已填.xlsx'), '--db', dbFile);
  return id;
}

describe.skipIf(skipBrowserTests)('browser: the gates between the stages, and rules an organizer changes', () => {
  let h: Harness;
  let page: Page;
  let base: string;
  let db: Db;
  let contestId: number;

  beforeAll(async () => {
    h = await startHarness({
      name: 'flow',
      prepare: async (dataDir, dbFile) => {
        contestId = await prepare(dataDir, dbFile);
      },
      beforeListen: async (_app, database) => {
        await createUser(
          database,
          { username: 'zuzhi', displayName: '赵组织', role: 'organizer', password: PASSWORD, mustChangePassword: false },
          null,
        );
        await addMember(database, contestId, 'zuzhi', 'organizer', null);
      },
    });
    ({ page, base, db } = h);
    await h.login('zuzhi', PASSWORD);
  });
  afterAll(() => h?.close());

  const codeOf = async (i: number) =>
    (
      await db
        .selectFrom('entries')
        .select('code')
        .where('contest_id', '=', contestId)
        .where('title', '=', title(i))
        .executeTakeFirstOrThrow()
    ).code;
  const group = () => page.locator('.award-group', { hasText: '区域研修应用案例' }).first();

  it('shows the way through on 概况, with what is still open', async () => {
    await page.goto(`${base}/contests/${contestId}`);
    const stages = page.locator('ol.flow li.stage');
    expect(await stages.locator('h3').allTextContents()).toEqual(['导入', '形式审查', '查重', '评审', '评奖', '公示']);
    expect(await page.locator('[data-stage="eligibility"] .badge').textContent()).toBe('有待处理 1 项');
    expect(await page.locator('[data-stage="similarity"] .badge').textContent()).toBe('有待处理 1 项');
    expect(await page.locator('[data-stage="import"] .badge').textContent()).toBe('已完成');
    await h.shot('01-overview');
  });

  it('lists the copy and the failing entry as blockers on 评奖, in no band and not counted, and refuses 公示 without a reason', async () => {
    const [copy, noStory] = [await codeOf(COPY), await codeOf(NO_STORY)];
    await page.goto(`${base}/contests/${contestId}/awards`);
    await h.waitForText('#blockers', copy);
    expect(await page.locator(`#blockers li.similarity[data-code="${copy}"]`).textContent()).toContain('重复率');
    expect(await page.locator(`#blockers li.eligibility[data-code="${noStory}"]`).textContent()).toContain('缺少');
    // 11 entries, 2 held: 9 counted.
    expect(await group().locator('.derivation').textContent()).toContain('有效作品 9 件');
    expect(await group().locator('tr.held').count()).toBe(2);
    expect(await group().locator('tr.held .band').count()).toBe(0);
    await h.shot('02-blockers');

    await page.goto(`${base}/contests/${contestId}/awards/publications`);
    await page.locator('textarea[name=reason]').evaluate((t) => t.removeAttribute('required'));
    await page.getByRole('button', { name: /公示第 1 版/ }).click();
    await h.waitForText('.alert.error', '项问题未解决，不能公示');
  });

  it('decides both where the blockers lead, and then publishes without a reason', async () => {
    const [copy, noStory] = [await codeOf(COPY), await codeOf(NO_STORY)];
    await page.goto(`${base}/contests/${contestId}/awards`);
    await page.locator(`#blockers li[data-code="${noStory}"] a.decide-link`).click();
    await page.waitForURL(/\/eligibility\/entries\/\d+$/);
    await page.getByLabel('取消资格').check();
    await page.locator('.decision-form textarea[name=reason]').fill('未报送数字故事');
    await page.getByRole('button', { name: '保存审定' }).click();
    await h.waitForText('.history', '未报送数字故事');

    await page.goto(`${base}/contests/${contestId}/awards`);
    await page.locator(`#blockers li[data-code="${copy}"] a.decide-link`).click();
    await page.waitForURL(/\/similarity/);
    await page.locator('table.rates tbody tr.flagged', { hasText: copy }).getByRole('link').first().click();
    await h.waitForText('h1', '文本复制检测报告单');
    await page.getByLabel('保留').check();
    await page.getByLabel('理由（必填，记入日志）').fill('重复部分为引用的区级研修方案，已注明出处');
    await page.getByRole('button', { name: '保存决定' }).click();
    await h.waitForText('table.decisions', '已注明出处');

    await page.goto(`${base}/contests/${contestId}/awards`);
    await h.waitForText('#blockers', '没有未解决的问题');
    // The kept copy is counted again; the disqualified entry is named as left out.
    const derivation = await group().locator('.derivation').textContent();
    expect(derivation).toContain('有效作品 10 件');
    expect(derivation).toContain(`取消资格 1 件：${noStory}`);
    await page.goto(`${base}/contests/${contestId}/awards/publications`);
    await page.getByRole('button', { name: /公示第 1 版/ }).click();
    await page.waitForURL(/\/publications\/1$/);
    await h.shot('03-published');
  });

  it('edits an award ratio and a rubric maximum, meets a Chinese error naming line and field, saves, and the counts change', async () => {
    const firstPrizes = async () =>
      (await contestAwards(db, contestId)).groups.find((g) => g.categoryKey === 'regional-training')?.bands[0].count ?? -1;
    expect(await firstPrizes()).toBe(1); // ⌊10 × 10%⌋
    await page.goto(`${base}/contests/${contestId}`);
    await page.getByRole('link', { name: '规则', exact: true }).click();
    await h.waitForText('h1', '规则：');
    expect(await page.locator('h1').textContent()).not.toContain('.yaml');
    await h.waitForText('.defaults', '默认值（通知未规定，可修改）');

    const editor = page.locator('#rules-yaml');
    const original = await editor.inputValue();
    const lines = original.split('\n');
    const ratioLine = lines.findIndex((l) => l.includes('{ name: 一等奖, ratio: 0.1 }'));
    const maxLine = lines.findIndex((l) => l.includes('name: 完善工作机制')) + 1;
    expect(lines[maxLine]).toContain('max: 20');
    const edit = (ratio: string, max: string) =>
      lines
        .map((l, i) =>
          i === ratioLine ? l.replace('ratio: 0.1', `ratio: ${ratio}`) : i === maxLine ? l.replace('max: 20', `max: ${max}`) : l,
        )
        .join('\n');

    await editor.fill(edit('0.2', '二十五'));
    await page.locator('input[name=reason]').fill('组委会通知：一等奖提高到 20%，机制一项 25 分');
    await page.getByRole('button', { name: '保存为新版本' }).click();
    await h.waitForText('.rule-errors', '类型不对');
    const error = await page.locator('.rule-errors li').first().textContent();
    expect(error).toContain(`第 ${maxLine + 1} 行`);
    expect(error).toContain('categories[0].rubric.criteria[0].max');
    expect(error).toContain('类型不对：应为数字，实际是文本');
    await h.shot('04-rule-error');

    await editor.fill(edit('0.2', '25'));
    await page.getByRole('button', { name: '保存为新版本' }).click();
    await h.waitForText('.alert.ok', '已保存为第 2 版');
    expect(await firstPrizes()).toBe(2); // ⌊10 × 20%⌋
    const history = page.locator('.rule-versions > li');
    expect(await history.count()).toBe(2);
    expect(await history.first().textContent()).toContain('第 2 版');
    expect(await history.first().textContent()).toContain('组委会通知');
    expect(await history.first().locator('pre.diff .added').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('ratio: 0.2'), expect.stringContaining('max: 25')]),
    );
    expect(await history.last().textContent()).toContain('第 1 版');

    await page.goto(`${base}/contests/${contestId}/awards`);
    expect(await page.locator('#summary').textContent()).toContain('第 2 版');
    expect(await group().locator('.derivation').textContent()).toContain('一等奖 ⌊10×20%⌋=2');
    await h.shot('05-awards-v2');
    // The two refusals (公示 without a reason, the bad rule value) answer 422 by design; nothing else went wrong.
    expect(h.problems.filter((p) => !p.includes('status of 422'))).toEqual([]);
  });
});
