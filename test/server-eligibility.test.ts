import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { contestAwards } from '../src/awards/store/contest.ts';
import { MISSING_SECTION, OVER_LIMIT, SUBMISSIONS, importEligibilityContest } from './helpers/eligibility-contest.ts';
import { Client, csrfField, multipart, startTestServer, type Response, type TestServer } from './server-helpers.ts';
import { addMember } from '../src/contests/members.ts';

let server: TestServer;
let organizer: Client;
let contestId: number;
let ids: Map<string, number>;
let dataHome: string;
const previousData = process.env.CASEJURY_DATA;

const board = (query = '') => `/contests/${contestId}/eligibility${query}`;
const entryPath = (title: string) => `/contests/${contestId}/eligibility/entries/${ids.get(title)}`;
const idOf = (title: string) => ids.get(title)!;
/** Rows of the board's entry table, by title. */
const rowTitles = (html: string) =>
  [...html.matchAll(/<tr id="entry-row-\d+" class="entry-row">\s*<td class="nowrap">[^<]*<\/td>\s*<td>([^<]*)<\/td>/g)].map((m) => m[1]);
const statusOf = async (title: string) =>
  (await server.db.selectFrom('entries').select('status').where('id', '=', idOf(title)).executeTakeFirstOrThrow()).status;
const statuses = async () =>
  Object.fromEntries(
    (await server.db.selectFrom('entries').select(['title', 'status']).where('contest_id', '=', contestId).execute()).map((e) => [
      e.title,
      e.status,
    ]),
  );
/** The number shown on a count tile (data-count="status-…" / "verdict-…"). */
const tile = (html: string, key: string) => Number(new RegExp(`data-count="${key}"><strong>(\\d+)</strong>`).exec(html)?.[1]);

async function token(client: Client = organizer): Promise<string> {
  return csrfField((await client.get(board())).body);
}

/** A form post as htmx sends it: CSRF token in the form, HX-Request and the swap target in headers. */
async function htmxPost(url: string, form: Record<string, string>, target: string): Promise<Response> {
  return organizer.request({
    method: 'POST',
    url,
    form: { ...form, _csrf: await token() },
    headers: { 'hx-request': 'true', 'hx-target': target },
  });
}

async function uploadPriorAwards(fileName: string, data: Buffer): Promise<Response> {
  const { payload, contentType } = multipart(fileName, data);
  return organizer.request({
    method: 'POST',
    url: `/contests/${contestId}/eligibility/prior-awards`,
    payload,
    headers: { 'content-type': contentType, 'x-csrf-token': await token(), 'hx-request': 'true', 'hx-target': 'section#prior-awards' },
  });
}

async function runAllChecks(): Promise<Response> {
  const res = await organizer.post(`/contests/${contestId}/eligibility/check`, {}, board());
  await server.app.jobs.idle();
  return res;
}

beforeAll(async () => {
  dataHome = fs.mkdtempSync(path.join(os.tmpdir(), 'casejury-eligibility-home-'));
  // The importer keeps its work folder under the data folder.
  process.env.CASEJURY_DATA = dataHome;
  server = await startTestServer();
  organizer = new Client(server.app);
  await organizer.login('organizer');
});
afterAll(async () => {
  await server?.close();
  if (previousData === undefined) delete process.env.CASEJURY_DATA;
  else process.env.CASEJURY_DATA = previousData;
  fs.rmSync(dataHome, { recursive: true, force: true });
});

beforeEach(async () => {
  ({ contestId, ids } = await importEligibilityContest(server.db, server.app.blobs));
  await addMember(server.db, contestId, 'organizer', 'organizer', null);
});

describe('形式审查 board', () => {
  it('runs every check as a job and shows the counts by status, verdict and category', async () => {
    const before = await organizer.get(board());
    expect(before.statusCode).toBe(200);
    expect(before.body).toContain('尚未运行检查');
    expect(tile(before.body, 'verdict-unchecked')).toBe(4);
    expect(before.body).toContain('<span>未检查</span>');
    expect(before.body).toMatch(/<a href="\/contests\/\d+\/eligibility" aria-current="page">形式审查<\/a>/);

    const run = await runAllChecks();
    expect(run.statusCode).toBe(303);
    expect(run.headers.location).toBe(board());
    const job = await server.db
      .selectFrom('jobs')
      .select(['kind', 'status', 'result_json'])
      .where('contest_id', '=', contestId)
      .executeTakeFirstOrThrow();
    expect(job).toMatchObject({ kind: 'eligibility-check', status: 'done' });
    expect(JSON.parse(job.result_json!)).toMatchObject({ checked: 4, pass: 2, warn: 0, fail: 2 });

    const page = (await organizer.get(board())).body;
    expect(page).toContain('共 4 件，通过 2 件，需核对 0 件，不通过 2 件');
    expect([
      tile(page, 'status-submitted'),
      tile(page, 'status-eligible'),
      tile(page, 'status-returned'),
      tile(page, 'status-disqualified'),
    ]).toEqual([4, 0, 0, 0]);
    expect([tile(page, 'verdict-fail'), tile(page, 'verdict-warn'), tile(page, 'verdict-pass'), tile(page, 'verdict-unchecked')]).toEqual([
      2, 0, 2, 0,
    ]);
    // Per category: 区域研修 has the over-long case, 校本研修 the one missing a section.
    const category = (key: string) =>
      [...new RegExp(`<tr data-category="${key}">([\\s\\S]*?)</tr>`).exec(page)![1].matchAll(/<td class="num">(?:<a [^>]*>)?(\d+)/g)].map(
        (m) => Number(m[1]),
      );
    expect(category('regional-training')).toEqual([2, 2, 0, 0, 0, 1, 0]);
    expect(category('school-based-training')).toEqual([2, 2, 0, 0, 0, 1, 0]);
    expect(rowTitles(page).sort()).toEqual(SUBMISSIONS.map((s) => s.title).sort());
    // Each failing row names the failing checks, with the message on hover.
    expect(page).toContain(
      `title="案例介绍.docx：缺少“特色与创新”部分（应包含基本情况、过程与举措、经验与成效、特色与创新）">案例介绍·必备章节</span>`,
    );
  });

  it('queues a run behind a running import and shows its progress until it has finished', async () => {
    let finishImport!: () => void;
    // stands in for an import of the contest that is still running
    const importing = server.app.jobs.register('held-import', { run: () => new Promise<void>((resolve) => (finishImport = resolve)) });
    await importing({ contestId });
    expect((await organizer.post(`/contests/${contestId}/eligibility/check`, {}, board())).statusCode).toBe(303);
    const waiting = (await organizer.get(board())).body;
    expect(waiting).toContain('检查排队中：正在等待导入等任务完成');
    const jobId = Number(/eligibility\/check\/(\d+)" hx-trigger="every 1s"/.exec(waiting)![1]);
    const poll = () =>
      organizer.get(`/contests/${contestId}/eligibility/check/${jobId}`, { 'hx-request': 'true', 'hx-target': 'div#check-run' });
    const polled = await poll();
    expect(polled.statusCode).toBe(200);
    expect(polled.body).not.toContain('<html');
    expect(polled.body).toContain('<progress aria-label="检查进度">');

    finishImport();
    await server.app.jobs.idle();
    const done = await poll();
    expect(done.statusCode).toBe(204);
    expect(done.headers['hx-redirect']).toBe(board());
    expect((await organizer.get(board())).body).toContain('共 4 件，通过 2 件');
    expect((await organizer.get(`/contests/${contestId}/eligibility/check/999999`)).statusCode).toBe(404);
  });

  it('filters by verdict, check, category, status and search, from the query string', async () => {
    await runAllChecks();
    const titles = async (query: string) => {
      const res = await organizer.get(board(query));
      expect(res.statusCode).toBe(200);
      return rowTitles(res.body).sort();
    };
    expect(await titles('?verdict=fail')).toEqual([OVER_LIMIT.title, MISSING_SECTION.title].sort());
    expect(await titles('?verdict=pass&category=school-based-training')).toEqual(['以课例研究推动校本研修']);
    expect(await titles(`?check=${encodeURIComponent('words:案例介绍')}`)).toEqual([OVER_LIMIT.title]);
    expect(await titles('?check=sections')).toEqual([MISSING_SECTION.title]);
    expect(await titles(`?q=${encodeURIComponent('王芳')}`)).toEqual([OVER_LIMIT.title]);
    expect(await titles('?status=submitted')).toHaveLength(4);
    expect(await titles('?status=disqualified')).toEqual([]);

    // An htmx filter request gets the fragment only (no layout), with the same rows.
    const fragment = await organizer.get(board('?verdict=fail'), { 'hx-request': 'true', 'hx-target': 'div#elig-results' });
    expect(fragment.body).not.toContain('<html');
    expect(rowTitles(fragment.body)).toHaveLength(2);
  });

  it('refuses filter values that do not exist with a 400 and a Chinese message', async () => {
    await runAllChecks();
    const refused = async (query: string, message: string) => {
      const res = await organizer.get(board(query));
      expect(res.statusCode, query).toBe(400);
      expect(res.body).toContain(message);
      expect(rowTitles(res.body)).toEqual([]);
    };
    await refused('?status=approved', '筛选条件“审定状态”的值“approved”无效，应为：待审、通过、退回修改、取消资格、已撤回');
    await refused('?verdict=bad', '筛选条件“检查结果”的值“bad”无效，应为：通过、需核对、不通过、未检查');
    await refused(
      '?category=sports',
      '筛选条件“类别”的值“sports”无效，应为：区域研修应用案例、校本研修应用案例、线上名师名校长工作室建设与应用案例',
    );
    await refused('?check=video-duration', '筛选条件“检查项”的值“video-duration”不是本竞赛的检查项');
    await refused(`?q=${'长'.repeat(101)}`, '搜索内容不能超过 100 个字');
    const page = await organizer.get(board('?page=0'));
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('页码“0”无效，应为正整数');
  });

  it('shows an entry’s checklist naming the file and the number found, as a page and as a row fragment', async () => {
    await runAllChecks();
    const page = await organizer.get(entryPath(OVER_LIMIT.title));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<html');
    expect(page.body).toMatch(/案例介绍\.docx：正文约 [\d,]+ 字，超过 3,000 字的要求/);
    expect(page.body).toContain('还没有审定记录');

    const fragment = await organizer.get(entryPath(MISSING_SECTION.title), {
      'hx-request': 'true',
      'hx-target': `td#checklist-${idOf(MISSING_SECTION.title)}`,
    });
    expect(fragment.body).not.toContain('<html');
    expect(fragment.body).toContain('案例介绍.docx：缺少“特色与创新”部分');
    // Failures come first in the checklist.
    expect(fragment.body.indexOf('check-fail')).toBeLessThan(fragment.body.indexOf('check-pass'));

    expect((await organizer.get(`/contests/${contestId}/eligibility/entries/999999`)).statusCode).toBe(404);
    // The entry's own page links here.
    expect((await organizer.get(`/contests/${contestId}/entries/${idOf(OVER_LIMIT.title)}`)).body).toContain(
      `href="${entryPath(OVER_LIMIT.title)}"`,
    );
  });
});

describe('decisions', () => {
  it('requires a decision and a reason, with a Chinese error and nothing changed', async () => {
    await runAllChecks();
    const url = `${entryPath(MISSING_SECTION.title)}/decision`;
    const target = `td#checklist-${idOf(MISSING_SECTION.title)}`;
    const noReason = await htmxPost(url, { decision: '取消资格', reason: '   ' }, target);
    expect(noReason.statusCode).toBe(422);
    expect(noReason.body).toContain('请填写审定理由');
    // The form keeps what was chosen.
    expect(noReason.body).toContain('value="取消资格" checked');
    const noDecision = await htmxPost(url, { reason: '缺少章节' }, target);
    expect(noDecision.statusCode).toBe(422);
    expect(noDecision.body).toContain('请选择审定结果：通过、退回修改或取消资格');
    const unknown = await htmxPost(url, { decision: '待定', reason: '缺少章节' }, target);
    expect(unknown.statusCode).toBe(422);
    expect(await statusOf(MISSING_SECTION.title)).toBe('submitted');
    expect(
      await server.db
        .selectFrom('audit_log')
        .select('id')
        .where('action', '=', 'eligibility.decide')
        .where('contest_id', '=', contestId)
        .execute(),
    ).toEqual([]);
  });

  it('records a decision with its reason and sends the new counts and row along with the checklist', async () => {
    await runAllChecks();
    const id = idOf(MISSING_SECTION.title);
    const res = await htmxPost(
      `${entryPath(MISSING_SECTION.title)}/decision`,
      { decision: '取消资格', reason: '缺少“特色与创新”部分，逾期未补' },
      `td#checklist-${id}`,
    );
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('已审定为“取消资格”');
    expect(res.body).toContain('<td>缺少“特色与创新”部分，逾期未补</td><td>测试organizer</td>');
    // Out-of-band parts for the board: counts and the entry's row.
    const counts = /<hx-partial hx-target="#elig-counts"[^>]*>([\s\S]*?)<\/hx-partial>/.exec(res.body)![1];
    expect([tile(counts, 'status-submitted'), tile(counts, 'status-disqualified')]).toEqual([3, 1]);
    expect(res.body).toMatch(new RegExp(`<hx-partial hx-target="#entry-row-${id}"[^>]*>\\s*<tr id="entry-row-${id}"[\\s\\S]*?取消资格`));
    expect(await statusOf(MISSING_SECTION.title)).toBe('disqualified');

    // A reload shows the same counts.
    const page = (await organizer.get(board())).body;
    expect([tile(page, 'status-submitted'), tile(page, 'status-disqualified')]).toEqual([3, 1]);
    const audit = await server.db
      .selectFrom('audit_log')
      .select(['subject_id', 'reason', 'user_id'])
      .where('action', '=', 'eligibility.decide')
      .where('contest_id', '=', contestId)
      .execute();
    expect(audit).toEqual([{ subject_id: String(id), reason: '缺少“特色与创新”部分，逾期未补', user_id: server.users.organizer }]);

    // A plain form post (no htmx) is redirected to the entry's page.
    const plain = await organizer.post(
      `${entryPath(MISSING_SECTION.title)}/decision`,
      { decision: '退回修改', reason: '给一次补交机会' },
      entryPath(MISSING_SECTION.title),
    );
    expect(plain.statusCode).toBe(303);
    expect(plain.headers.location).toBe(entryPath(MISSING_SECTION.title));
    const history = (await organizer.get(entryPath(MISSING_SECTION.title))).body.split('审定记录')[1];
    expect(history.indexOf('给一次补交机会')).toBeLessThan(history.indexOf('逾期未补'));
  });

  it('applies a bulk decision to exactly the entries the filter selects, after confirming their number', async () => {
    await runAllChecks();
    const failing: string[] = [OVER_LIMIT.title, MISSING_SECTION.title];
    const url = `/contests/${contestId}/eligibility/bulk`;
    const bulk = { verdict: 'fail', decision: '退回修改', reason: '请按通知要求修改后重新报送' };

    expect((await htmxPost(url, { ...bulk, reason: '' }, 'div#bulk-panel')).body).toContain('请填写审定理由');
    expect((await htmxPost(url, { ...bulk, q: '没有这件作品' }, 'div#bulk-panel')).body).toContain('当前筛选没有作品，无法批量审定');
    expect((await htmxPost(url, { ...bulk, status: 'nope' }, 'div#bulk-panel')).statusCode).toBe(400);

    const preview = await htmxPost(url, bulk, 'div#bulk-panel');
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('确认将当前筛选出的 <strong>2</strong> 件作品审定为<strong>“退回修改”</strong>');
    expect(Object.values(await statuses())).toEqual(['submitted', 'submitted', 'submitted', 'submitted']);
    const confirmToken = /name="token" value="([^"]+)"/.exec(preview.body)![1];

    const applied = await htmxPost(url, { ...bulk, token: confirmToken }, 'div#bulk-panel');
    expect(applied.statusCode).toBe(200);
    expect(applied.headers['hx-retarget']).toBe('#main');
    expect(applied.headers['hx-replace-url']).toBe(board('?verdict=fail'));
    expect(applied.body).toContain('已将 2 件作品审定为“退回修改”（其中 2 件状态有变化）');
    expect(tile(applied.body, 'status-returned')).toBe(2);
    const after = await statuses();
    for (const s of SUBMISSIONS) expect(after[s.title], s.title).toBe(failing.includes(s.title) ? 'returned' : 'submitted');
    const audit = await server.db
      .selectFrom('audit_log')
      .select(['subject_id', 'reason'])
      .where('action', '=', 'eligibility.decide')
      .where('contest_id', '=', contestId)
      .orderBy('subject_id')
      .execute();
    expect(audit).toEqual(
      failing.map((t) => ({ subject_id: String(idOf(t)), reason: bulk.reason })).sort((a, b) => a.subject_id.localeCompare(b.subject_id)),
    );
  });

  it('refuses a bulk confirmation when the filter has come to select other entries', async () => {
    await runAllChecks();
    const url = `/contests/${contestId}/eligibility/bulk`;
    const bulk = { status: 'submitted', decision: '通过', reason: '材料齐全' };
    const preview = await htmxPost(url, bulk, 'div#bulk-panel');
    const confirmToken = /name="token" value="([^"]+)"/.exec(preview.body)![1];
    // Meanwhile one entry is decided on its own, so 待审 now selects three.
    await htmxPost(`${entryPath(OVER_LIMIT.title)}/decision`, { decision: '取消资格', reason: '超过字数' }, 'td#checklist-1');
    const stale = await htmxPost(url, { ...bulk, token: confirmToken }, 'div#bulk-panel');
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('筛选结果已经变化，现在是 3 件作品，请核对后再确认');
    expect(Object.values(await statuses()).filter((s) => s === 'eligible')).toEqual([]);
    // The refreshed confirmation applies to the three.
    const again = /name="token" value="([^"]+)"/.exec(stale.body)![1];
    expect((await htmxPost(url, { ...bulk, token: again }, 'div#bulk-panel')).statusCode).toBe(200);
    expect(Object.values(await statuses()).sort()).toEqual(['disqualified', 'eligible', 'eligible', 'eligible']);
  });

  it('takes disqualified entries out of the award denominator', async () => {
    await runAllChecks();
    // Counted or held by a gate (no scan ran here): a disqualified entry is neither.
    const valid = async () =>
      Object.fromEntries((await contestAwards(server.db, contestId)).groups.map((g) => [g.categoryKey, g.valid + g.held]));
    expect(await valid()).toMatchObject({ 'regional-training': 2, 'school-based-training': 2 });
    await htmxPost(`${entryPath(OVER_LIMIT.title)}/decision`, { decision: '取消资格', reason: '正文超过 3000 字' }, 'td#checklist-1');
    expect(await valid()).toMatchObject({ 'regional-training': 1, 'school-based-training': 2 });
  });

  it('re-checks one entry on request', async () => {
    await runAllChecks();
    await server.db.deleteFrom('eligibility_results').where('entry_id', '=', idOf(OVER_LIMIT.title)).execute();
    expect((await organizer.get(entryPath(OVER_LIMIT.title))).body).toContain('尚未检查');
    const res = await htmxPost(`${entryPath(OVER_LIMIT.title)}/check`, {}, `td#checklist-${idOf(OVER_LIMIT.title)}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('已重新检查：不通过');
    expect(res.body).toMatch(/正文约 [\d,]+ 字，超过 3,000 字的要求/);
  });
});

describe("人工核查 (the rule set's checklist)", () => {
  const openEligibility = async () =>
    (await contestAwards(server.db, contestId)).blockers.filter((b) => b.kind === 'eligibility' && b.message.includes('人工核查'));

  it('shows each item beside the materials and their notes, confirms them per entry with who and when, and the gate follows', async () => {
    await runAllChecks();
    const title = SUBMISSIONS[0].title;
    const page = (await organizer.get(entryPath(title))).body;
    const items = [...page.matchAll(/<input type="checkbox" name="item" value="([^"]+)">/g)].map((m) => m[1]);
    expect(items.length).toBeGreaterThan(0);
    expect(page).toContain('人工核查未全部确认时，本作品的形式审查不算通过。');
    expect(page).toContain('报送材料要求');
    // The material's note from the rule set, beside it.
    expect(page).toMatch(
      /<li>[^<]*支撑材料[^<]*<span class="material-note">说明：通知文件、制度文档、研究交流、宣传报道及其他成果支撑材料/,
    );
    const code = (await server.db.selectFrom('entries').select('code').where('id', '=', idOf(title)).executeTakeFirstOrThrow()).code;
    expect((await openEligibility()).map((b) => b.code)).toContain(code);

    // Nothing ticked: refused in Chinese, nothing stored.
    const none = await htmxPost(`${entryPath(title)}/manual-checks`, {}, `td#checklist-${idOf(title)}`);
    expect(none.body).toContain('请勾选已核查的项目');
    // Every item ticked: confirmed by the signed-in organizer, and the entry leaves the blockers.
    const form = new URLSearchParams([['_csrf', await token()], ...items.map((i): [string, string] => ['item', i])]);
    const done = await organizer.request({
      method: 'POST',
      url: `${entryPath(title)}/manual-checks`,
      payload: form.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'hx-request': 'true', 'hx-target': `td#checklist-${idOf(title)}` },
    });
    expect(done.body).toContain(`已确认 ${items.length} 项人工核查`);
    expect(done.body).toMatch(/已确认<\/span> [^<]+<span class="muted">（[^，]+，\d{4}-\d{2}-\d{2} \d{2}:\d{2}）/);
    const rows = await server.db.selectFrom('manual_checks').select(['item', 'user_id']).where('entry_id', '=', idOf(title)).execute();
    expect(rows.map((r) => r.item).sort()).toEqual([...items].sort());
    expect(rows.every((r) => r.user_id !== null)).toBe(true);
    expect((await openEligibility()).map((b) => b.code)).not.toContain(code);
  });

  it('confirms every item of the filtered entries in bulk, audited, without changing their status', async () => {
    await runAllChecks();
    const before = await statuses();
    const form = { decision: '确认人工核查', reason: '逐件核对完毕' };
    const first = await organizer.post(`/contests/${contestId}/eligibility/bulk`, form, board());
    const selection = /name="token" value="([^"]+)"/.exec(first.body)?.[1] ?? '';
    expect(selection).not.toBe('');
    await organizer.post(`/contests/${contestId}/eligibility/bulk`, { ...form, token: selection }, board());
    expect(await openEligibility()).toEqual([]);
    expect(await statuses()).toEqual(before);
    const audited = await server.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'eligibility.manual-check')
      .where('contest_id', '=', contestId)
      .execute();
    expect(audited).toHaveLength(SUBMISSIONS.length);
  });
});

describe('往届获奖名单 and export', () => {
  it('imports an uploaded list that the next run matches entries against, and refuses other files', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('往届获奖');
    ws.addRow(['作品名称', '作者', '单位', '年份']);
    ws.addRow(['以课例研究推动校本研修', '李华', '城南小学', '2023']);
    ws.addRow(['与本届无关的作品', '某某', '某校', '2022']);
    const ok = await uploadPriorAwards('2023年获奖名单.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('已导入“2023年获奖名单.xlsx”，共 2 件往届获奖作品');
    expect(ok.body).toContain('当前名单：“2023年获奖名单.xlsx”，共 2 件作品');

    await runAllChecks();
    const checklist = (await organizer.get(entryPath('以课例研究推动校本研修'))).body;
    expect(checklist).toContain('与往届获奖作品相同：2023年“以课例研究推动校本研修”（李华，城南小学）');

    const text = await uploadPriorAwards('名单.csv', Buffer.from('作品名称,作者\n'));
    expect(text.statusCode).toBe(422);
    expect(text.body).toContain('“名单.csv”不是 .xlsx 文件');
    const broken = await uploadPriorAwards('损坏.xlsx', Buffer.from('not a workbook'));
    expect(broken.statusCode).toBe(422);
    expect(broken.body).toContain('损坏.xlsx：不是有效的 .xlsx 文件');
    // The stored list is still the first one.
    expect(broken.body).toContain('当前名单：“2023年获奖名单.xlsx”，共 2 件作品');
  });

  it('downloads the results as .xlsx with one row per entry and the decision', async () => {
    await runAllChecks();
    await htmxPost(`${entryPath(OVER_LIMIT.title)}/decision`, { decision: '退回修改', reason: '请压缩到 3000 字以内' }, 'td#checklist-1');
    const res = await server.app.inject({
      method: 'GET',
      url: `/contests/${contestId}/eligibility/export.xlsx`,
      headers: { cookie: sessionCookie() },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain(encodeURIComponent('形式审查结果.xlsx'));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('形式审查结果')!;
    const headers = (sheet.getRow(2).values as string[]).slice(1);
    const rows = [3, 4, 5, 6].map((r) => sheet.getRow(r));
    const over = rows.find((r) => r.getCell(2).text === OVER_LIMIT.title)!;
    expect(over.getCell(headers.indexOf('审定结果') + 1).text).toBe('退回修改');
    expect(over.getCell(headers.indexOf('审定理由') + 1).text).toBe('请压缩到 3000 字以内');
    expect(sheet.rowCount).toBe(2 + SUBMISSIONS.length);
  });
});

describe('access', () => {
  it('refuses experts and requests without the CSRF token', async () => {
    const expert = new Client(server.app);
    await expert.login('expert');
    expect((await expert.get(board())).statusCode).toBe(403);
    expect((await expert.get(entryPath(OVER_LIMIT.title))).statusCode).toBe(403);
    const csrf = csrfField((await expert.get('/password')).body);
    const post = await expert.request({
      method: 'POST',
      url: `${entryPath(OVER_LIMIT.title)}/decision`,
      form: { decision: '通过', reason: '专家不能审定', _csrf: csrf },
    });
    expect(post.statusCode).toBe(403);

    const forged = await organizer.request({
      method: 'POST',
      url: `${entryPath(OVER_LIMIT.title)}/decision`,
      form: { decision: '取消资格', reason: '没有令牌' },
    });
    expect(forged.statusCode).toBe(403);
    expect(forged.body).toContain('页面已过期');
    const bulk = await organizer.request({
      method: 'POST',
      url: `/contests/${contestId}/eligibility/bulk`,
      form: { decision: '取消资格', reason: '没有令牌', _csrf: 'forged' },
    });
    expect(bulk.statusCode).toBe(403);
    expect(Object.values(await statuses())).toEqual(['submitted', 'submitted', 'submitted', 'submitted']);

    const anonymous = await server.app.inject({ method: 'GET', url: board() });
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toContain('/login');
  });
});

/** The organizer's session cookie, for a raw inject that keeps the binary body (Client decodes bodies as text). */
const sessionCookie = (): string =>
  [...(organizer as unknown as { cookies: Map<string, string> }).cookies].map(([k, v]) => `${k}=${v}`).join('; ');
