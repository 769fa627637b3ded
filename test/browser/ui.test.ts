import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createUser } from '../../src/users/accounts.ts';
import { makeDocx } from '../helpers/docx.ts';
import { makeZip } from '../server-helpers.ts';
import { type Harness, skipBrowserTests, startHarness } from './harness.ts';

const ENTRIES = [
  { stage: '小学', school: '实验小学', teacher: '张明', category: '区域研修应用案例', title: '智慧平台助力区域教研转型' },
  { stage: '小学', school: '城南小学', teacher: '李华', category: '校本研修应用案例', title: '以课例研究推动校本研修' },
  { stage: '初中', school: '第一中学', teacher: '王芳', category: '校本研修应用案例', title: '双减背景下的作业设计校本研修' },
  { stage: '初中', school: '第二中学', teacher: '赵强', category: '区域研修应用案例', title: '县域教师数字素养提升行动' },
  {
    stage: '高中',
    school: '高级中学',
    teacher: '陈静',
    category: '线上名师名校长工作室建设与应用案例',
    title: '名师工作室线上协同教研实践',
  },
];

async function submissionZip(): Promise<Buffer> {
  const files: { name: string; data: Buffer }[] = [];
  for (const e of ENTRIES) {
    const folder = `${e.stage}+${e.school}+${e.teacher}/${e.category}/${e.title}`;
    const docx = await makeDocx({
      title: e.title,
      byline: `${e.school} ${e.teacher}`,
      sections: [
        {
          heading: '一、基本情况',
          paragraphs: [`${e.school}位于城区，现有教师八十余人。本案例介绍学校依托国家中小学智慧教育平台开展研修的做法。`],
        },
        { heading: '二、过程与举措', paragraphs: ['组建研修共同体，制定研修计划；利用平台资源开展集体备课、课例研讨和反思交流。'] },
        { heading: '三、经验与成效', paragraphs: ['教师参与率达到百分之九十以上，形成了一批优秀课例。'] },
        { heading: '四、特色与创新', paragraphs: ['线上线下融合，常态化开展研修。'] },
      ],
    });
    files.push({ name: `${folder}/案例介绍.docx`, data: docx });
  }
  // Files a real batch contains: a damaged document and a Word lock file.
  files.push({
    name: `${ENTRIES[0].stage}+${ENTRIES[0].school}+${ENTRIES[0].teacher}/${ENTRIES[0].category}/${ENTRIES[0].title}/支撑材料-损坏.docx`,
    data: Buffer.from('这不是一个 Word 文件'),
  });
  files.push({
    name: `${ENTRIES[1].stage}+${ENTRIES[1].school}+${ENTRIES[1].teacher}/${ENTRIES[1].category}/${ENTRIES[1].title}/~$案例介绍.docx`,
    data: Buffer.from('lock'),
  });
  return makeZip(files);
}

describe.skipIf(skipBrowserTests)('browser: from first login to an entry’s document', () => {
  let h: Harness;
  let page: Page;
  let base: string;
  let problems: string[];

  const shot = (name: string) => h.shot(name);

  beforeAll(async () => {
    h = await startHarness({
      name: 'ui',
      beforeListen: (_app, db) =>
        createUser(
          db,
          { username: 'admin', displayName: '系统管理员', role: 'admin', password: 'One-time-pass1', mustChangePassword: true },
          null,
        ).then(() => undefined),
    });
    ({ page, base, problems } = h);
  });

  afterAll(() => h?.close());

  const waitForText = (selector: string, text: string, timeout?: number) => h.waitForText(selector, text, timeout);
  const rowCount = (n: number) =>
    page.waitForFunction((want) => document.querySelectorAll('#entries-results tbody tr').length === want, n, { timeout: 10_000 });

  it('logs in with the one-time password and must set a new one', async () => {
    await page.goto(`${base}/`);
    await waitForText('h1', '登录');
    await shot('01-login');
    await page.getByLabel('用户名').fill('admin');
    await page.getByLabel('密码').fill('One-time-pass1');
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/password/);
    await waitForText('.alert.info', '首次登录请先设置新密码');
    await shot('02-change-password');
    await page.getByLabel('当前密码').fill('One-time-pass1');
    await page.getByLabel('新密码', { exact: true }).fill('Brand-new-pass2');
    await page.getByLabel('再次输入新密码').fill('Brand-new-pass2');
    await page.getByRole('button', { name: '保存新密码' }).click();
    await page.waitForURL(/\/contests$/);
    await waitForText('.empty', '还没有竞赛');
  });

  it('creates a contest from a rule set', async () => {
    await page.getByRole('link', { name: '新建竞赛' }).click();
    await page.getByLabel(/2024年国家中小学智慧教育平台教师研修应用案例评选/).check();
    await page.getByLabel('竞赛名称').fill('2024年区级教师研修案例评选');
    await shot('03-new-contest');
    await page.getByRole('button', { name: '创建竞赛' }).click();
    await page.waitForURL(/\/contests\/\d+$/);
    expect(await page.locator('h1').textContent()).toBe('2024年区级教师研修案例评选');
  });

  it('uploads a zip, follows the progress bar and sees the summary with every problem', async () => {
    await page.getByRole('link', { name: '导入', exact: true }).click();
    await page
      .locator('input[type=file]')
      .setInputFiles({ name: '城关区报送作品.zip', mimeType: 'application/zip', buffer: await submissionZip() });
    await shot('04-import-form');
    await page.getByRole('button', { name: '上传并导入' }).click();
    await page.waitForURL(/\/imports\/\d+$/);
    await waitForText('.stats', '新导入作品', 60_000);
    expect(await page.locator('.stats div').first().locator('strong').textContent()).toBe(String(ENTRIES.length));
    await waitForText('.errors-list', '支撑材料-损坏.docx');
    await shot('05-import-summary');
    // A reload shows the same finished job, read back from the jobs table.
    await page.reload();
    await waitForText('.errors-list', '支撑材料-损坏.docx');
  });

  it('lists the entries, searches with htmx, and opens an entry with its document', async () => {
    await page.getByRole('link', { name: '查看作品列表' }).click();
    await rowCount(ENTRIES.length);
    await shot('06-entries');
    await page.getByLabel('搜索').fill('王芳');
    await rowCount(1);
    // The search is in the address bar (hx-push-url), so a reload keeps it.
    await page.waitForURL(/q=%E7%8E%8B%E8%8A%B3/);
    await shot('07-entries-search');
    await page.reload();
    await rowCount(1);
    await page.locator('#entries-results tbody a').first().click();
    await waitForText('h1', '双减背景下的作业设计校本研修');
    await waitForText('article.document', '二、过程与举措');
    expect(await page.getByRole('link', { name: '下载' }).count()).toBeGreaterThan(0);
    await shot('08-entry-detail');
  });

  it('raised no script errors or CSP violations on any page', () => {
    expect(problems).toEqual([]);
  });
});
