import type { AddressInfo } from 'node:net';
import ExcelJS from 'exceljs';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember } from '../src/contests/members.ts';
import { gridOf } from '../src/spreadsheet/workbook.ts';
import { hashPassword } from '../src/users/passwords.ts';
import { shanghaiLocalInput } from '../src/util/time.ts';
import { buildAwardContest } from './helpers/awards-contest.ts';
import { Client, PASSWORD, startTestServer, type TestServer } from './server-helpers.ts';

/**
 * Reminders to experts who owe reviews, through a real SMTP server on 127.0.0.1 that checks the login and keeps
 * every message; judging deadlines shown to experts with the time left; experts listed by pinyin.
 */

const FUJIAN = 'fujian-platform-cases-training-and-scenarios.yaml';
const SMTP_USER = 'pingshen';
const SMTP_PASS = 'smtp-secret-2024';
const FROM = '评审办公室 <pingshen@example.edu.cn>';

interface Received {
  rcpt: string[];
  mail: ParsedMail;
}

let smtp: SMTPServer;
let received: Received[] = [];
/** Recipients the SMTP server refuses, to see a failure recorded. */
const refused = new Set<string>();
let server: TestServer;
let organizer: Client;
let contestId: number;
let base: string;
let experts: Record<'张' | '李' | '王' | '赵', number>;
let titles: Map<string, string>;

beforeAll(async () => {
  smtp = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, done) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASS) done(null, { user: SMTP_USER });
      else done(new Error('用户名或密码错误'));
    },
    onRcptTo(address, _session, done) {
      done(refused.has(address.address) ? new Error('mailbox unavailable') : undefined);
    },
    onData(stream, session, done) {
      simpleParser(stream).then(
        (mail) => {
          received.push({ rcpt: session.envelope.rcptTo.map((r) => r.address), mail });
          done();
        },
        (err: Error) => done(err),
      );
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const { port } = smtp.server.address() as AddressInfo;
  server = await startTestServer({ mail: { url: `smtp://${SMTP_USER}:${SMTP_PASS}@127.0.0.1:${port}`, from: FROM } });

  // Four experts review three entries; drafts are what they still owe: 张 E1 and E2, 李 E2, 王 E3 (no e-mail), 赵 nothing.
  const full = [18, 17, 16, 15, 14];
  const built = await buildAwardContest(server.db, FUJIAN, 'regional-training', [
    { code: 'E1', title: '依托平台开展区域混合式研修的实践', reviews: [full, full, full, full], drafts: [0] },
    { code: 'E2', title: '校本研修共同体建设的路径与成效', reviews: [full, full, full, full], drafts: [0, 1] },
    { code: 'E3', title: '名师工作室线上协同教研案例', reviews: [full, full, full, full], drafts: [2] },
  ]);
  contestId = built.contestId;
  base = `/contests/${contestId}`;
  const [zhang, li, wang, zhao] = built.expertIds;
  experts = { 张: zhang, 李: li, 王: wang, 赵: zhao };
  titles = new Map([
    ['E1', '依托平台开展区域混合式研修的实践'],
    ['E2', '校本研修共同体建设的路径与成效'],
    ['E3', '名师工作室线上协同教研案例'],
  ]);
  const emails: Record<number, string | null> = {
    [zhang]: 'zhang@example.edu.cn',
    [li]: 'li@example.edu.cn',
    [wang]: null,
    [zhao]: 'zhao@example.edu.cn',
  };
  const password = await hashPassword(PASSWORD);
  for (const [id, email] of Object.entries(emails)) {
    await server.db
      .updateTable('users')
      .set({ email, password_hash: password, phone: `1390000000${id}` })
      .where('id', '=', Number(id))
      .execute();
  }
  const category = await server.db
    .selectFrom('categories')
    .select('id')
    .where('contest_id', '=', contestId)
    .where('key', '=', 'regional-training')
    .executeTakeFirstOrThrow();
  const { id: panelId } = await server.db
    .insertInto('panels')
    .values({ contest_id: contestId, name: '区域研修评审组', category_id: category.id, group_name: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  await server.db
    .insertInto('panel_members')
    .values(built.expertIds.slice(0, 4).map((user_id) => ({ panel_id: panelId, user_id })))
    .execute();
  await addMember(server.db, contestId, 'organizer', 'organizer', null);
  organizer = new Client(server.app);
  await organizer.login('organizer');
});

afterAll(async () => {
  await server?.close();
  await new Promise<void>((resolve) => smtp?.close(() => resolve()));
});

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ')
    .trim();

describe('judging deadline', () => {
  it('is set on 评审进度 and shown to experts with the time left; a bad date is refused naming the field', async () => {
    const panel = await server.db.selectFrom('panels').select('id').where('contest_id', '=', contestId).executeTakeFirstOrThrow();
    const bad = await organizer.post(
      `${base}/progress/deadlines`,
      { contest: '2024-02-31T18:00', [`panel_${panel.id}`]: '' },
      `${base}/progress`,
    );
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('“全部评审组”的截止时间“2024-02-31T18:00”无效');

    // The contest closes in 10 days; this panel closes in 3 days 2 hours.
    const contestClose = shanghaiLocalInput(inDays(10));
    const panelClose = shanghaiLocalInput(inDays(3 + 2 / 24 + 1 / 1440));
    const saved = await organizer.post(
      `${base}/progress/deadlines`,
      { contest: contestClose, [`panel_${panel.id}`]: panelClose },
      `${base}/progress`,
    );
    expect(saved.statusCode).toBe(303);
    const rows = await server.db
      .selectFrom('deadlines')
      .select(['stage', 'panel_id', 'closes_at'])
      .where('contest_id', '=', contestId)
      .execute();
    expect(rows.map((r) => [r.stage, r.panel_id, shanghaiLocalInput(r.closes_at)]).sort()).toEqual(
      [
        ['judging', null, contestClose],
        ['judging', panel.id, panelClose],
      ].sort(),
    );
    const page = text((await organizer.get(`${base}/progress`)).body);
    expect(page).toContain(`评审截止时间：${contestClose.replace('T', ' ')}（还剩 9 天`);
    expect(page).toContain(`截止 ${panelClose.replace('T', ' ')}，还剩 3 天 2 小时`);

    // An expert of the panel sees the panel's closing time on 我的评审 and on the scoring screen.
    const zhang = new Client(server.app);
    const username = (await server.db.selectFrom('users').select('username').where('id', '=', experts.张).executeTakeFirstOrThrow())
      .username;
    await zhang.login(username);
    const home = text((await zhang.get('/')).body);
    expect(home).toContain(`评审截止时间：${panelClose.replace('T', ' ')}（还剩 3 天 2 小时）`);
    const assignment = await server.db.selectFrom('assignments').select('id').where('expert_id', '=', experts.张).executeTakeFirstOrThrow();
    expect(text((await zhang.get(`/reviews/${assignment.id}`)).body)).toContain(`截止 ${panelClose.replace('T', ' ')}（还剩 3 天 2 小时）`);
  });
});

describe('reminders', () => {
  it('e-mails one message per owing expert with an address, listing their entries and the deadline, and records it', async () => {
    received = [];
    const page = await organizer.get(`${base}/progress`);
    expect(page.body).toContain('给 2 位有邮箱的专家发送催评邮件');
    const sent = await organizer.post(`${base}/progress/reminders`, {}, `${base}/progress`);
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe(`${base}/progress?sent=2&failed=0&noAddress=1#reminders`);

    expect(received.map((r) => r.rcpt).sort()).toEqual([['li@example.edu.cn'], ['zhang@example.edu.cn']]);
    const to = (address: string) => received.find((r) => r.rcpt[0] === address)!.mail;
    const zhang = to('zhang@example.edu.cn');
    expect(zhang.from?.text).toBe('"评审办公室" <pingshen@example.edu.cn>');
    expect(zhang.subject).toMatch(/^【评审提醒】.+：您还有 2 件作品待评$/);
    expect(zhang.text).toContain('张评委老师：您好！');
    expect(zhang.text).toContain(`1. E1　${titles.get('E1')}`);
    expect(zhang.text).toContain(`2. E2　${titles.get('E2')}`);
    expect(zhang.text).not.toContain('E3');
    expect(zhang.text).toMatch(/评审截止时间：\d{4}-\d\d-\d\d \d\d:\d\d（还剩 3 天 2 小时）。/);
    expect(zhang.text).toMatch(/请登录 http:\/\/[^ ]+ ，在“我的评审”中完成评分并提交。/);
    const li = to('li@example.edu.cn');
    expect(li.subject).toMatch(/您还有 1 件作品待评$/);
    expect(li.text).toContain(`1. E2　${titles.get('E2')}`);
    expect(li.text).not.toMatch(/E1|E3/);

    const recorded = await server.db.selectFrom('reminders').selectAll().where('contest_id', '=', contestId).orderBy('id').execute();
    expect(recorded.map((r) => [r.expert_id, r.address, r.status, r.entries_json]).sort()).toEqual(
      [
        [experts.张, 'zhang@example.edu.cn', 'sent', '["E1","E2"]'],
        [experts.李, 'li@example.edu.cn', 'sent', '["E2"]'],
      ].sort(),
    );
    const after = text((await organizer.get(String(sent.headers.location))).body);
    expect(after).toContain('已发送催评邮件 2 封；1 位专家没有邮箱');
    expect(after).toMatch(/发送记录.*李评委 li@example\.edu\.cn E2 已发送/);
  });

  it('records a message the server refuses as failed, with its reason', async () => {
    received = [];
    refused.add('li@example.edu.cn');
    try {
      const sent = await organizer.post(`${base}/progress/reminders`, {}, `${base}/progress`);
      expect(sent.headers.location).toBe(`${base}/progress?sent=1&failed=1&noAddress=1#reminders`);
    } finally {
      refused.clear();
    }
    expect(received.map((r) => r.rcpt)).toEqual([['zhang@example.edu.cn']]);
    const failed = await server.db.selectFrom('reminders').selectAll().where('status', '=', 'failed').execute();
    expect(failed).toHaveLength(1);
    expect(failed[0].address).toBe('li@example.edu.cn');
    expect(failed[0].error).toContain('mailbox unavailable');
  });

  it('gives the same list as .xlsx for SMS or WeChat, experts in pinyin order with a ready message', async () => {
    const file = await organizer.download(`${base}/progress/owed.xlsx`);
    expect(file.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.bytes as unknown as ArrayBuffer);
    const [header, ...rows] = gridOf(wb.worksheets[0]);
    expect(header).toEqual([
      '专家',
      '单位',
      '手机',
      '邮箱',
      '评审组',
      '已分配',
      '已提交',
      '待评',
      '待评作品',
      '截止时间',
      '剩余时间',
      '提醒内容（短信、微信）',
    ]);
    // 李 (li), 王 (wang), 张 (zhang): by pinyin, not by code point (张 U+5F20 < 李 U+674E < 王 U+738B).
    expect(rows.map((r) => [r[0], r[3], r[7]])).toEqual([
      ['李评委', 'li@example.edu.cn', '1'],
      ['王评委', '', '1'],
      ['张评委', 'zhang@example.edu.cn', '2'],
    ]);
    expect(rows[1][11]).toMatch(
      /^【.+】王评委老师您好，您还有 1 件作品（E3）待评，截止 \d{4}-\d\d-\d\d \d\d:\d\d，请登录评审系统完成评分。$/,
    );
  });

  it('refuses to send without a configured SMTP server, and says so on the page', async () => {
    const plain = await startTestServer({ mail: null });
    try {
      const c = new Client(plain.app);
      await c.login('organizer');
      const built = await buildAwardContest(plain.db, FUJIAN, 'regional-training', [
        { code: 'X1', title: '作品', reviews: [[1, 1, 1, 1, 1]], drafts: [0] },
      ]);
      await addMember(plain.db, built.contestId, 'organizer', 'organizer', null);
      const url = `/contests/${built.contestId}/progress`;
      expect((await c.get(url)).body).toContain('未配置发信服务器');
      const res = await c.post(`${url.replace('/progress', '')}/progress/reminders`, {}, url);
      expect(res.statusCode).toBe(409);
    } finally {
      await plain.close();
    }
  });
});

describe('people in pinyin order', () => {
  it('lists experts as 李, 王, 张, 赵 on the 专家 and 评审进度 pages and in the score sheet', async () => {
    const names = (html: string) => [...html.matchAll(/(张|李|王|赵)评委/g)].map((m) => m[1]);
    const expertsPage = (await organizer.get(`${base}/experts`)).body;
    const table = /<table class="data">([\s\S]*?)<\/table>/.exec(expertsPage)![1];
    expect(names(table)).toEqual(['李', '王', '张', '赵']);
    const progress = (await organizer.get(`${base}/progress`)).body;
    const panel = /<table class="data experts-progress">([\s\S]*?)<\/table>/.exec(progress)![1];
    expect(names(panel)).toEqual(['李', '王', '张', '赵']);
    const owing = /<table class="data owing">([\s\S]*?)<\/table>/.exec(progress)![1];
    expect(names(owing)).toEqual(['李', '王', '张']);
    const sheet = await organizer.download(`${base}/score-sheet.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(sheet.bytes as unknown as ArrayBuffer);
    const rows = gridOf(wb.worksheets[0])
      .slice(1)
      .filter((r) => r[0] === 'E1');
    expect(rows.map((r) => r[2][0])).toEqual(['李', '王', '张', '赵']);
  });
});
