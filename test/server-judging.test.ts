import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nowIso } from '../src/db/connect.ts';
import { contestCategories, createContest } from '../src/contests/index.ts';
import { Client, csrfField, multipart, startTestServer, type Response, type TestServer } from './server-helpers.ts';

/**
 * Expert judging through the web: organizer pages, the scoring screen's draft/conflict/submit/return flow,
 * who may see what, and — for a blind contest — that no page an expert can load names an author.
 */

const RULES = 'rules/2024-platform-cases-teacher-training.yaml';

/** Authors, schools and counties that must never reach an expert of a blind contest. */
const AUTHORS = [
  { name: '欧阳明月', school: '城关第一小学', county: '城关区' },
  { name: '司马青云', school: '城南实验中学', county: '南湖区' },
  { name: '上官晓雪', school: '北山县第二中学', county: '北山县' },
  { name: '诸葛春华', school: '西城育才小学', county: '西城区' },
  { name: '东方白露', school: '开发区第三小学', county: '开发区' },
  { name: '慕容秋实', school: '城东幼儿园', county: '城东区' },
];

const EXPERTS = [
  ['姓名', '单位', '区县', '手机', '评审组'],
  ['赵评审', '市教师发展中心', '市直', '13900000001', '区域研修应用案例'],
  ['钱评审', '市电化教育馆', '市直', '13900000002', '区域研修应用案例'],
  ['孙评审', '城关第一小学', '城关区', '13900000003', '区域研修应用案例'],
  ['李评审', '市教科院', '市直', '13900000004', '区域研修应用案例'],
  ['周评审', '市教研室', '市直', 'not-a-phone', '区域研修应用案例'],
];

let server: TestServer;
let contestId: number;
let organizer: Client;
const entryIds: number[] = [];
/** username → password after the first login. */
const expertLogins = new Map<string, { id: number; name: string; password: string }>();

/** An htmx-style upload: the token travels in the X-CSRF-Token header, as the page's hx-headers sends it. */
async function upload(client: Client, url: string, tokenPage: string, fileName: string, data: Buffer): Promise<Response> {
  const token = csrfField((await client.get(tokenPage)).body);
  const { payload, contentType } = multipart(fileName, data);
  return client.request({
    method: 'POST',
    url,
    payload,
    headers: { 'content-type': contentType, 'x-csrf-token': token, 'hx-request': 'true' },
  });
}

/** A draft save as the scoring screen's htmx form sends it. */
async function htmxPost(client: Client, url: string, tokenPage: string, form: Record<string, string>): Promise<Response> {
  const token = csrfField((await client.get(tokenPage)).body);
  return client.request({
    method: 'POST',
    url,
    form,
    headers: { 'x-csrf-token': token, 'hx-request': 'true', 'hx-target': 'div#save-state' },
  });
}

/** A binary download with the client's session: Client.request decodes bodies as text. */
async function download(client: Client, url: string): Promise<{ statusCode: number; headers: Record<string, unknown>; bytes: Buffer }> {
  // The session cookie is all a download needs; Client keeps it in its (TypeScript-private) jar.
  const jar = (client as unknown as { cookies: Map<string, string> }).cookies;
  const res = await server.app.inject({ method: 'GET', url, headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
  return { statusCode: res.statusCode, headers: res.headers, bytes: res.rawPayload };
}

async function xlsx(rows: (string | number)[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('专家名单');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Entries as an import leaves them: the folder and the files name the teacher, the case document does not. */
async function addEntry(i: number, categoryId: number): Promise<number> {
  const a = AUTHORS[i];
  const now = nowIso();
  const { id } = await server.db
    .insertInto('entries')
    .values({
      contest_id: contestId,
      category_id: categoryId,
      code: `C2024-${String(i + 1).padStart(4, '0')}`,
      title: `平台助力区域研修的实践探索 ${i + 1}`,
      group_name: '小学',
      status: 'submitted',
      source_path: `小学+${a.school}+${a.name}/区域研修应用案例/平台助力区域研修的实践探索 ${i + 1}`,
      category_label: null,
      batch_id: null,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await server.db
    .insertInto('authors')
    .values({
      entry_id: id,
      position: 1,
      name: a.name,
      unit: a.school,
      county: a.county,
      title: null,
      phone: '13800138000',
      role: '主持人',
    })
    .execute();
  const files = [
    {
      path: `${a.name}-案例介绍.docx`,
      kind: '案例介绍',
      ext: 'docx',
      html: `<h1>平台助力区域研修的实践探索 ${i + 1}</h1><p>一、基本情况：本区依托平台开展研修。</p>`,
    },
    {
      path: `附件/${a.name}-案例信息表.docx`,
      kind: '信息表',
      ext: 'docx',
      html: `<table><tr><td>姓名</td><td>${a.name}</td><td>单位</td><td>${a.school}</td></tr></table>`,
    },
    { path: `${a.name}-课堂实录.mp4`, kind: '视频', ext: 'mp4', html: null },
  ];
  for (const f of files) {
    const blob = await server.app.blobs.put(Buffer.from(`作品 ${i + 1} 的${f.kind}`));
    await server.db
      .insertInto('files')
      .values({
        entry_id: id,
        original_path: f.path,
        name: f.path.split('/').pop()!,
        kind: f.kind,
        ext: f.ext,
        size: blob.size,
        sha256: blob.sha256,
        mime: null,
        text: null,
        html: f.html,
        error: null,
        created_at: now,
      })
      .execute();
  }
  return id;
}

const assignmentsOf = (expertId: number) =>
  server.db
    .selectFrom('assignments')
    .selectAll()
    .where('expert_id', '=', expertId)
    .where('status', '=', 'active')
    .orderBy('entry_id')
    .execute();

/** Signs in with the one-time password and replaces it, as a new expert must. */
async function expertClient(username: string): Promise<Client> {
  const login = expertLogins.get(username)!;
  const client = new Client(server.app);
  const res = await client.login(username, login.password);
  if (res.headers.location?.toString().startsWith('/password')) {
    const next = 'Expert-pass-2024';
    const changed = await client.post('/password', { current: login.password, password: next, confirm: next }, '/password');
    expect(changed.statusCode).toBe(303);
    login.password = next;
  }
  return client;
}

beforeAll(async () => {
  server = await startTestServer();
  contestId = await createContest(server.db, {
    rulesYaml: fs.readFileSync(RULES, 'utf8'),
    rulesSource: 'x.yaml',
    userId: server.users.organizer,
  });
  const regional = (await contestCategories(server.db, contestId)).find((c) => c.key === 'regional-training')!;
  for (let i = 0; i < AUTHORS.length; i++) entryIds.push(await addEntry(i, regional.id));
  organizer = new Client(server.app);
  await organizer.login('organizer');
});
afterAll(() => server?.close());

describe('organizer: experts, panels and assignment', () => {
  it('imports an expert list, shows each one-time password once, and lists refused rows', async () => {
    const res = await upload(
      organizer,
      `/contests/${contestId}/experts/import`,
      `/contests/${contestId}/experts`,
      'experts.xlsx',
      await xlsx(EXPERTS),
    );
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('只显示这一次');
    expect(res.body).toContain('第 6 行：手机号“not-a-phone”格式不对');
    const rows = [...res.body.matchAll(/<td>(\d{11})<\/td>\s*<td><span class="secret">([^<]+)<\/span>/g)];
    expect(rows).toHaveLength(4);
    const users = await server.db.selectFrom('users').select(['id', 'username', 'display_name']).where('role', '=', 'expert').execute();
    for (const [, username, password] of rows) {
      const u = users.find((x) => x.username === username)!;
      expertLogins.set(username, { id: u.id, name: u.display_name, password });
    }
    // The list page names the experts but never shows a password again.
    const page = await organizer.get(`/contests/${contestId}/experts`);
    expect(page.body).toContain('赵评审');
    expect(page.body).toContain('区域研修应用案例评审组');
    for (const [, , password] of rows) expect(page.body).not.toContain(password);
  });

  it('adds one expert by form (also refusing a bad phone), and manages panel members', async () => {
    const bad = await organizer.post(`/contests/${contestId}/experts`, { name: '吴评审', phone: '12ab' }, `/contests/${contestId}/experts`);
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('手机号“12ab”格式不对');
    const added = await organizer.post(
      `/contests/${contestId}/experts`,
      { name: '吴评审', unit: '市教育学会', email: 'wu@example.cn', panel: '' },
      `/contests/${contestId}/experts`,
    );
    expect(added.statusCode).toBe(200);
    expect(added.body).toMatch(/<td>吴评审<\/td>\s*<td>zj\d+-1<\/td>\s*<td><span class="secret">/);
    const wu = await server.db.selectFrom('users').select('id').where('display_name', '=', '吴评审').executeTakeFirstOrThrow();
    const panel = await server.db
      .selectFrom('panels')
      .select('id')
      .where('contest_id', '=', contestId)
      .where('name', '=', '区域研修应用案例评审组')
      .executeTakeFirstOrThrow();
    const member = () =>
      server.db.selectFrom('panel_members').selectAll().where('panel_id', '=', panel.id).where('user_id', '=', wu.id).executeTakeFirst();
    expect(await member()).toBeTruthy();
    const removed = await organizer.post(
      `/contests/${contestId}/panels/${panel.id}/members/${wu.id}/remove`,
      {},
      `/contests/${contestId}/experts`,
    );
    expect(removed.statusCode).toBe(303);
    expect(await member()).toBeUndefined();
    const back = await organizer.post(
      `/contests/${contestId}/panels/${panel.id}/members`,
      { expert_id: String(wu.id) },
      `/contests/${contestId}/experts`,
    );
    expect(back.statusCode).toBe(303);
    expect(await member()).toBeTruthy();
    // Take 吴评审 out again so the panel is the four imported experts.
    await organizer.post(`/contests/${contestId}/panels/${panel.id}/members/${wu.id}/remove`, {}, `/contests/${contestId}/experts`);

    const school = (await contestCategories(server.db, contestId)).find((c) => c.key === 'school-based-training')!;
    // 吴评审 joined every category's panel; a panel for one group (学段) of a category is another.
    const created = await organizer.post(
      `/contests/${contestId}/panels`,
      { category_id: String(school.id), group: '小学', name: '' },
      `/contests/${contestId}/experts`,
    );
    expect(created.statusCode).toBe(303);
    expect((await organizer.get(`/contests/${contestId}/experts`)).body).toContain('校本研修应用案例（小学）评审组');
    const twice = await organizer.post(
      `/contests/${contestId}/panels`,
      { category_id: String(school.id), group: '小学', name: '' },
      `/contests/${contestId}/experts`,
    );
    expect(twice.statusCode).toBe(422);
    expect(twice.body).toContain('已存在');
  });

  it('assigns automatically with conflicts avoided and shows the run, then lists reviewers per entry', async () => {
    const page = await organizer.get(`/contests/${contestId}/assignments`);
    expect(page.body).toMatch(/name="per_entry" value="3"/);
    const res = await organizer.post(`/contests/${contestId}/assignments/auto`, { per_entry: '3' }, `/contests/${contestId}/assignments`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('自动分配完成');
    const active = await server.db
      .selectFrom('assignments')
      .selectAll()
      .where('contest_id', '=', contestId)
      .where('status', '=', 'active')
      .execute();
    expect(active).toHaveLength(18);
    // 孙评审 works at 城关第一小学, the school of entry 1's author.
    const sun = expertLogins.get('13900000003')!;
    expect(active.some((a) => a.entry_id === entryIds[0] && a.expert_id === sun.id)).toBe(false);
    const table = await organizer.get(`/contests/${contestId}/assignments?short=1`);
    expect(table.body).toContain('没有符合条件的作品');
  });
});

describe('expert: scoring screen', () => {
  let zhao: Client;
  let zhaoId: number;
  let mine: { id: number; entry_id: number }[];
  const fullScores = { s_mechanism: '18', 's_platform-use': '17', 's_training-model': '16', 's_support-service': '15', s_publicity: '14' };

  beforeAll(async () => {
    zhao = await expertClient('13900000001');
    zhaoId = expertLogins.get('13900000001')!.id;
    mine = await assignmentsOf(zhaoId);
  });

  it('shows 我的评审 with progress and a list to pick from', async () => {
    const home = await zhao.get('/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('我的评审');
    expect(home.body).toContain(`<strong>${mine.length}</strong><span>待评</span>`);
    for (const a of mine) expect(home.body).toContain(`href="/reviews/${a.id}"`);
  });

  it('renders the rubric with maxima and levels, the case document, and no identifying file', async () => {
    const page = await zhao.get(`/reviews/${mine[0].id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('完善工作机制');
    expect(page.body).toContain('满分 20');
    // A level selects its band (whole points by default); it fills no score the expert did not type.
    expect(page.body).toMatch(/class="level" data-low="17" data-high="20" data-fill=""[^>]*>.*优秀<small>17–20<\/small>/);
    expect(page.body).toMatch(/class="level" data-low="14" data-high="16" data-fill=""[^>]*>.*良好<small>14–16<\/small>/);
    expect(page.body).toMatch(/<input type="number" name="s_mechanism"[^>]* step="1" inputmode="numeric"/);
    expect(page.body).toContain('一、基本情况');
    expect(page.body).toContain('案例介绍.docx');
    expect(page.body).not.toContain('信息表');
    expect(page.body).toMatch(/<a href="\/reviews\/\d+\/files\/\d+" download>视频\.mp4<\/a>/);
  });

  it('saves drafts with versions, keeps them across a reload, and refuses a stale tab without losing anything', async () => {
    const url = `/reviews/${mine[0].id}`;
    const first = await htmxPost(zhao, `${url}/save`, url, { version: '0', s_mechanism: '18', comment: '' });
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('已保存');
    expect(first.body).toContain('name="version" value="1"');

    const reload = await zhao.get(url);
    expect(reload.body).toMatch(/name="s_mechanism" value="18"/);
    expect(reload.body).toContain('name="version" value="1"');

    // A second tab still at version 0 types something else: refused, told, and shown what is stored.
    const stale = await htmxPost(zhao, `${url}/save`, url, { version: '0', s_mechanism: '9', comment: '另一个窗口' });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('已在另一个窗口或设备上更新');
    expect(stale.body).toMatch(/<th>完善工作机制<\/th><td class="num">18<\/td>/);
    expect(stale.body).toContain('data-adopt-version="1"');
    // The tab keeps its own version, so nothing it sends later overwrites the newer work by accident.
    expect(stale.body).toContain('name="version" value="0"');
    const stored = await server.db.selectFrom('reviews').selectAll().where('assignment_id', '=', mine[0].id).executeTakeFirstOrThrow();
    expect(JSON.parse(stored.scores_json).mechanism).toBe(18);
    expect(stored.version).toBe(1);

    // Out of range in a draft: the valid values are kept, the bad one is named.
    const bad = await htmxPost(zhao, `${url}/save`, url, {
      version: '1',
      s_mechanism: '18',
      's_platform-use': '25',
      's_training-model': '16',
      comment: '结构完整',
    });
    expect(bad.statusCode).toBe(200);
    expect(bad.body).toContain('“用好平台资源和功能”的分数 25 超出满分 20');
    expect(bad.body).toContain('name="version" value="2"');
  });

  it('submits only a complete review, then locks it until the organizer returns it with a reason', async () => {
    const url = `/reviews/${mine[0].id}`;
    const incomplete = await htmxPost(zhao, `${url}/submit`, url, { version: '2', s_mechanism: '18', comment: '' });
    expect(incomplete.statusCode).toBe(422);
    expect(incomplete.body).toContain('尚未评分');
    expect(incomplete.body).toContain('请填写评语');

    const done = await htmxPost(zhao, `${url}/submit`, url, { version: '2', ...fullScores, comment: '机制健全，资源运用充分。' });
    expect(done.statusCode).toBe(204);
    expect(done.headers['hx-redirect']).toBe(url);
    const locked = await zhao.get(url);
    expect(locked.body).toContain('评分已锁定');
    expect(locked.body).not.toContain('id="review-form"');
    const again = await htmxPost(zhao, `${url}/save`, url, { version: '3', s_mechanism: '1', comment: 'x' });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('已经提交并锁定');

    const review = await server.db.selectFrom('reviews').selectAll().where('assignment_id', '=', mine[0].id).executeTakeFirstOrThrow();
    expect(review.total).toBe(80);
    const entryPage = `/contests/${contestId}/judging/entries/${mine[0].entry_id}`;
    const viewed = await organizer.get(entryPage);
    expect(viewed.body).toContain('机制健全，资源运用充分。');
    const noReason = await organizer.post(`/contests/${contestId}/judging/reviews/${review.id}/return`, { reason: ' ' }, entryPage);
    expect(noReason.statusCode).toBe(422);
    const returned = await organizer.post(
      `/contests/${contestId}/judging/reviews/${review.id}/return`,
      { reason: '评语过于简单' },
      entryPage,
    );
    expect(returned.statusCode).toBe(303);

    const reopened = await zhao.get(url);
    expect(reopened.body).toContain('组织者退回了这份评分：评语过于简单');
    expect(reopened.body).toContain('id="review-form"');
    const resubmitted = await htmxPost(zhao, `${url}/submit`, url, {
      version: String(review.version + 1),
      ...fullScores,
      s_mechanism: '19',
      comment: '机制健全，资源运用充分，研修模式有创新。',
    });
    expect(resubmitted.statusCode).toBe(204);

    const log = await server.db
      .selectFrom('audit_log')
      .select(['action', 'reason'])
      .where('subject_type', '=', 'review')
      .where('subject_id', '=', String(review.id))
      .orderBy('id')
      .execute();
    expect(log.map((l) => l.action)).toEqual(['review.save', 'review.save', 'review.submit', 'review.return', 'review.submit']);
    expect(log[3].reason).toBe('评语过于简单');
  });

  it('submits by plain form post too, and shows the problems on the whole page', async () => {
    const url = `/reviews/${mine[1].id}`;
    const res = await zhao.post(`${url}/submit`, { version: '0', s_mechanism: '30', comment: '' }, url);
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('超出满分 20');
    expect(res.body).toContain('<h1>');
    expect(res.body).toMatch(/name="s_mechanism" value="30"/);
  });

  it('lets the expert declare a conflict (申请回避) with a reason; the entry goes to another expert', async () => {
    const target = mine[2];
    const url = `/reviews/${target.id}`;
    const noReason = await zhao.post(`${url}/decline`, { reason: '' }, url);
    expect(noReason.statusCode).toBe(422);
    const res = await zhao.post(`${url}/decline`, { reason: '作者是我指导过的教师' }, url);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/^\/\?declined=/);
    const row = await server.db.selectFrom('assignments').selectAll().where('id', '=', target.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('declined');
    const reviewers = await server.db
      .selectFrom('assignments')
      .select('expert_id')
      .where('entry_id', '=', target.entry_id)
      .where('status', '=', 'active')
      .execute();
    expect(reviewers).toHaveLength(3);
    expect((await zhao.get(url)).statusCode).toBe(404);
  });
});

describe('organizer: progress, discrepancies and the offline score sheet', () => {
  it('shows progress per panel and expert, downloads who owes what, and adds a reviewer to a discrepancy in one click', async () => {
    // Two reviews of one entry far apart (spread over 20% of full marks), on an entry the fourth panel
    // member is free to take: no conflict of interest (entry 1) and no declined expert.
    const declined = await server.db.selectFrom('assignments').select('entry_id').where('status', '=', 'declined').execute();
    const entryId = entryIds.slice(1).find((id) => !declined.some((d) => d.entry_id === id))!;
    const reviewers = await server.db
      .selectFrom('assignments')
      .select(['id', 'expert_id'])
      .where('entry_id', '=', entryId)
      .where('status', '=', 'active')
      .execute();
    const [low, high] = reviewers;
    for (const [a, points] of [
      [low, '10'],
      [high, '19'],
    ] as const) {
      const username = [...expertLogins].find(([, v]) => v.id === a.expert_id)![0];
      const client = await expertClient(username);
      const url = `/reviews/${a.id}`;
      const version = /name="version" value="(\d+)"/.exec((await client.get(url)).body)![1];
      const res = await htmxPost(client, `${url}/submit`, url, {
        version,
        s_mechanism: points,
        's_platform-use': points,
        's_training-model': points,
        's_support-service': points,
        s_publicity: points,
        comment: '评语',
      });
      expect(res.statusCode).toBe(204);
    }
    const page = await organizer.get(`/contests/${contestId}/progress`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('区域研修应用案例评审组：已提交');
    expect(page.body).toContain(
      `<tr class="flagged">\n        <td class="nowrap"><a href="/contests/${contestId}/judging/entries/${entryId}">`,
    );

    const owed = await download(organizer, `/contests/${contestId}/progress/owed.xlsx`);
    expect(owed.headers['content-type']).toContain('spreadsheetml');
    const owedBook = new ExcelJS.Workbook();
    await owedBook.xlsx.load(owed.bytes as unknown as ArrayBuffer);
    const owedRows = owedBook.worksheets[0].getSheetValues().slice(2) as unknown[][];
    const progress = await server.db
      .selectFrom('assignments')
      .leftJoin('reviews', 'reviews.assignment_id', 'assignments.id')
      .select(['assignments.expert_id', 'reviews.status'])
      .where('assignments.contest_id', '=', contestId)
      .where('assignments.status', '=', 'active')
      .execute();
    const owing = new Set(progress.filter((p) => p.status !== 'submitted').map((p) => p.expert_id));
    expect(owedRows).toHaveLength(owing.size);

    const before = reviewers.length;
    const added = await organizer.post(
      `/contests/${contestId}/judging/entries/${entryId}/extra-reviewer`,
      { back: `/contests/${contestId}/progress`, reason: '评分分歧，增加一位评审' },
      `/contests/${contestId}/progress`,
    );
    expect(added.statusCode).toBe(303);
    expect(added.headers.location).toBe(`/contests/${contestId}/progress`);
    const now = await server.db
      .selectFrom('assignments')
      .select('expert_id')
      .where('entry_id', '=', entryId)
      .where('status', '=', 'active')
      .execute();
    expect(now).toHaveLength(before + 1);
    const audit = await server.db
      .selectFrom('audit_log')
      .select(['action', 'reason'])
      .where('action', '=', 'assignment.add')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit.reason).toBe('评分分歧，增加一位评审');
  });

  it('moves and removes a reviewer only with a reason, and refuses an expert who must recuse', async () => {
    const entryId = entryIds[0];
    const base = `/contests/${contestId}/judging/entries/${entryId}`;
    const active = await server.db
      .selectFrom('assignments')
      .select('expert_id')
      .where('entry_id', '=', entryId)
      .where('status', '=', 'active')
      .execute();
    const sun = expertLogins.get('13900000003')!.id;
    const conflicted = await organizer.post(`${base}/add`, { expert_id: String(sun), reason: '补充' }, base);
    expect(conflicted.statusCode).toBe(422);
    expect(conflicted.body).toContain('需回避');
    const noReason = await organizer.post(`${base}/remove`, { expert_id: String(active[0].expert_id), reason: '' }, base);
    expect(noReason.statusCode).toBe(422);
    const free = [...expertLogins.values()].map((x) => x.id).find((id) => id !== sun && !active.some((a) => a.expert_id === id));
    if (free) {
      const moved = await organizer.post(
        `${base}/move`,
        { from_id: String(active[0].expert_id), to_id: String(free), reason: '专家出差' },
        base,
      );
      expect(moved.statusCode).toBe(303);
      const after = await server.db
        .selectFrom('assignments')
        .select(['expert_id', 'status', 'reason'])
        .where('entry_id', '=', entryId)
        .execute();
      expect(after.find((a) => a.expert_id === active[0].expert_id)!.status).toBe('removed');
      expect(after.find((a) => a.expert_id === free)!.status).toBe('active');
    }
  });

  it('round-trips the score sheet: filled rows become submitted reviews, bad rows are refused with reasons', async () => {
    const sheet = await download(organizer, `/contests/${contestId}/score-sheet.xlsx`);
    expect(sheet.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(sheet.bytes as unknown as ArrayBuffer);
    const ws = book.worksheets[0];
    const header = (ws.getRow(1).values as string[]).slice(1);
    expect(header.slice(0, 3)).toEqual(['编号', '作品名称', '专家']);
    const pairs = await server.db
      .selectFrom('assignments as a')
      .innerJoin('entries as e', 'e.id', 'a.entry_id')
      .innerJoin('users as u', 'u.id', 'a.expert_id')
      .leftJoin('reviews as r', 'r.assignment_id', 'a.id')
      .select(['a.id', 'e.code', 'u.display_name', 'r.status'])
      .where('a.contest_id', '=', contestId)
      .where('a.status', '=', 'active')
      .execute();
    const pending: number[] = [];
    ws.eachRow((row, n) => {
      if (n === 1) return;
      const pair = pairs.find((p) => p.code === row.getCell(1).text && p.display_name === row.getCell(3).text)!;
      if (pair.status === 'submitted') return;
      pending.push(n);
      for (let c = 4; c < header.length; c++) row.getCell(c).value = 15;
      row.getCell(header.length).value = '线下评审：研修组织规范。';
    });
    expect(pending.length).toBeGreaterThan(3);
    const [outOfRange, unknown, missing] = pending.slice(-3);
    ws.getRow(outOfRange).getCell(4).value = 21;
    ws.getRow(unknown).getCell(1).value = 'NO-SUCH-ENTRY';
    ws.getRow(missing).getCell(5).value = null;
    const filled = Buffer.from(await book.xlsx.writeBuffer());

    const res = await upload(organizer, `/contests/${contestId}/score-sheet`, `/contests/${contestId}/progress`, 'scores.xlsx', filled);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`<strong>${pending.length - 3}</strong><span>导入为已提交评分</span>`);
    expect(res.body).toContain(`第 ${outOfRange} 行：“完善工作机制”的分数 21 超出满分 20`);
    expect(res.body).toContain(`第 ${unknown} 行：作品编号“NO-SUCH-ENTRY”不存在`);
    expect(res.body).toContain(`第 ${missing} 行：“用好平台资源和功能”尚未评分`);
    const submitted = await server.db
      .selectFrom('reviews')
      .select('total')
      .where('contest_id', '=', contestId)
      .where('status', '=', 'submitted')
      .where('comment', '=', '线下评审：研修组织规范。')
      .execute();
    expect(submitted).toHaveLength(pending.length - 3);
    expect(submitted.every((r) => r.total === 75)).toBe(true);

    const wrongType = await upload(
      organizer,
      `/contests/${contestId}/score-sheet`,
      `/contests/${contestId}/progress`,
      'scores.txt',
      Buffer.from('x'),
    );
    expect(wrongType.statusCode).toBe(415);
    const broken = await upload(
      organizer,
      `/contests/${contestId}/score-sheet`,
      `/contests/${contestId}/progress`,
      'scores.xlsx',
      Buffer.from('not a workbook'),
    );
    expect(broken.statusCode).toBe(422);
    expect(broken.body).toContain('scores.xlsx：无法打开');
  });
});

describe('who may see and change what', () => {
  let zhao: Client;
  let qian: Client;
  let zhaoTasks: { id: number; entry_id: number }[];
  let qianTasks: { id: number; entry_id: number }[];
  beforeAll(async () => {
    zhao = await expertClient('13900000001');
    qian = await expertClient('13900000002');
    zhaoTasks = await assignmentsOf(expertLogins.get('13900000001')!.id);
    qianTasks = await assignmentsOf(expertLogins.get('13900000002')!.id);
  });

  it("answers 404 for another expert's assignment, review or file, and 403 for organizer pages", async () => {
    const others = qianTasks.filter((q) => !zhaoTasks.some((z) => z.id === q.id));
    expect(others.length).toBeGreaterThan(0);
    const theirs = others[0];
    const own = zhaoTasks.find((z) => z.entry_id !== theirs.entry_id)!;
    expect((await zhao.get(`/reviews/${theirs.id}`)).statusCode).toBe(404);
    expect((await htmxPost(zhao, `/reviews/${theirs.id}/save`, `/reviews/${own.id}`, { version: '0', s_mechanism: '1' })).statusCode).toBe(
      404,
    );
    expect((await htmxPost(zhao, `/reviews/${theirs.id}/submit`, `/reviews/${own.id}`, { version: '0' })).statusCode).toBe(404);
    expect((await zhao.post(`/reviews/${theirs.id}/decline`, { reason: 'x' }, `/reviews/${own.id}`)).statusCode).toBe(404);
    expect((await zhao.get('/reviews/999999')).statusCode).toBe(404);
    const theirVideo = await server.db
      .selectFrom('files')
      .select('id')
      .where('entry_id', '=', theirs.entry_id)
      .where('kind', '=', '视频')
      .executeTakeFirstOrThrow();
    // Their entry's file through my own assignment, and through theirs: both unknown to me.
    expect((await zhao.get(`/reviews/${own.id}/files/${theirVideo.id}`)).statusCode).toBe(404);
    expect((await zhao.get(`/reviews/${theirs.id}/files/${theirVideo.id}`)).statusCode).toBe(404);
    for (const url of [
      `/contests`,
      `/contests/${contestId}`,
      `/contests/${contestId}/entries`,
      `/contests/${contestId}/entries/${own.entry_id}`,
      `/contests/${contestId}/experts`,
      `/contests/${contestId}/assignments`,
      `/contests/${contestId}/progress`,
      `/contests/${contestId}/progress/owed.xlsx`,
      `/contests/${contestId}/score-sheet.xlsx`,
      `/contests/${contestId}/judging/entries/${own.entry_id}`,
      `/contests/${contestId}/files/${theirVideo.id}/download`,
    ]) {
      expect((await zhao.get(url)).statusCode, url).toBe(403);
    }
    const forbiddenPost = await zhao.post(`/contests/${contestId}/assignments/auto`, { per_entry: '1' }, `/reviews/${own.id}`);
    expect(forbiddenPost.statusCode).toBe(403);
    // Organizers do not use the expert screens.
    expect((await organizer.get(`/reviews/${own.id}`)).statusCode).toBe(403);
    expect((await new Client(server.app).get(`/reviews/${own.id}`)).statusCode).toBe(303);
  });

  it('serves an assigned entry’s video under a neutral name, and no other file of a blind contest', async () => {
    const own = zhaoTasks[zhaoTasks.length - 1];
    const files = await server.db.selectFrom('files').select(['id', 'kind']).where('entry_id', '=', own.entry_id).execute();
    const video = await download(zhao, `/reviews/${own.id}/files/${files.find((f) => f.kind === '视频')!.id}`);
    expect(video.statusCode).toBe(200);
    expect(decodeURIComponent(String(video.headers['content-disposition']))).toMatch(/C2024-\d{4}-视频\.mp4/);
    expect(video.bytes.toString()).toMatch(/^作品 \d+ 的视频$/);
    for (const f of files.filter((x) => x.kind !== '视频')) {
      expect((await zhao.get(`/reviews/${own.id}/files/${f.id}`)).statusCode).toBe(404);
    }
  });

  it('refuses every form without a valid CSRF token', async () => {
    const own = zhaoTasks[zhaoTasks.length - 1];
    const bare = (client: Client, url: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
      client.request({ method: 'POST', url, form, headers });
    expect((await bare(zhao, `/reviews/${own.id}/save`, { version: '0', s_mechanism: '1' }, { 'hx-request': 'true' })).statusCode).toBe(
      403,
    );
    expect(
      (await bare(zhao, `/reviews/${own.id}/save`, { version: '0', s_mechanism: '1' }, { 'hx-request': 'true', 'x-csrf-token': 'forged' }))
        .statusCode,
    ).toBe(403);
    expect((await bare(zhao, `/reviews/${own.id}/submit`, { version: '0', _csrf: 'forged' })).statusCode).toBe(403);
    expect((await bare(zhao, `/reviews/${own.id}/decline`, { reason: '不想评' })).statusCode).toBe(403);
    expect((await bare(organizer, `/contests/${contestId}/assignments/auto`, { per_entry: '3' })).statusCode).toBe(403);
    expect((await bare(organizer, `/contests/${contestId}/experts`, { name: '伪造' })).statusCode).toBe(403);
    const review = await server.db
      .selectFrom('reviews')
      .select('id')
      .where('contest_id', '=', contestId)
      .where('status', '=', 'submitted')
      .executeTakeFirstOrThrow();
    expect((await bare(organizer, `/contests/${contestId}/judging/reviews/${review.id}/return`, { reason: 'x' })).statusCode).toBe(403);
    const { payload, contentType } = multipart('experts.xlsx', await xlsx(EXPERTS));
    const noHeader = await organizer.request({
      method: 'POST',
      url: `/contests/${contestId}/experts/import`,
      payload,
      headers: { 'content-type': contentType },
    });
    expect(noHeader.statusCode).toBe(403);
    // Nothing changed: still active, no declined row for this assignment.
    expect((await server.db.selectFrom('assignments').select('status').where('id', '=', own.id).executeTakeFirstOrThrow()).status).toBe(
      'active',
    );
  });

  it('never shows author names, schools, counties, folders or stored file names anywhere an expert can go (blind contest)', async () => {
    const secrets = [
      ...AUTHORS.flatMap((a) => [a.name, a.school, a.county]),
      '13800138000',
      ...(await server.db.selectFrom('entries').select('source_path').where('contest_id', '=', contestId).execute()).map(
        (e) => e.source_path!,
      ),
      ...(await server.db.selectFrom('files').select('original_path').execute()).map((f) => f.original_path),
    ];
    const seen: { url: string; text: string }[] = [];
    for (const client of [zhao, qian]) {
      // Every page reachable by links from the expert's home, plus the file downloads they link to.
      const queue = ['/'];
      const visited = new Set<string>();
      while (queue.length) {
        const url = queue.shift()!;
        if (visited.has(url)) continue;
        visited.add(url);
        const res = url.includes('/files/') ? await download(client, url) : await client.get(url);
        const text = 'body' in res ? res.body : res.bytes.toString();
        expect(res.statusCode, url).toBeLessThan(400);
        seen.push({ url, text: `${JSON.stringify(res.headers)}\n${text}` });
        if (!('body' in res)) continue;
        for (const [, href] of res.body.matchAll(/(?:href|src|hx-get)="(\/[^"#]*)"/g)) {
          const link = href.replace(/&amp;/g, '&');
          if (!link.startsWith('/static/') && !visited.has(link)) queue.push(link);
        }
      }
      expect([...visited].filter((u) => u.startsWith('/reviews/')).length).toBeGreaterThan(3);
    }
    // And what the scoring screen's saves answer: saved, refused (stale tab), invalid, locked.
    const own = zhaoTasks[zhaoTasks.length - 1];
    const url = `/reviews/${own.id}`;
    const version = /name="version" value="(\d+)"/.exec((await zhao.get(url)).body)![1];
    for (const form of [
      { version, s_mechanism: '12', comment: '草稿' },
      { version, s_mechanism: '13', comment: '另一窗口' },
      { version: String(Number(version) + 1), s_mechanism: '99', comment: '' },
    ]) {
      const res = await htmxPost(zhao, `${url}/save`, url, form);
      seen.push({ url: `${url}/save`, text: res.body });
    }
    const problems = await htmxPost(zhao, `${url}/submit`, url, { version: String(Number(version) + 2) });
    seen.push({ url: `${url}/submit`, text: problems.body });
    expect(seen.length).toBeGreaterThan(10);
    for (const { url: where, text } of seen) {
      for (const secret of secrets) expect(text.includes(secret), `“${secret}” on ${where}`).toBe(false);
    }
  });
});
