import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contestAwards } from '../src/awards/store/contest.ts';
import { buildAwardContest, type BuiltContest, cityPrizeQuotas, type EntrySpec } from './helpers/awards-contest.ts';
import { Client, csrfField, PASSWORD, startTestServer, type Response, type TestServer } from './server-helpers.ts';
import { addMember } from '../src/contests/members.ts';

const FUJIAN = 'fujian-platform-cases-training-and-scenarios.yaml';
const CITY = 'city-platform-application-special.yaml';

/**
 * 21 valid 区域研修应用案例 at 10/20/30: caps ⌊2.1⌋=2, ⌊6.3⌋=6, ⌊12.6⌋=12 → 2/4/6.
 * Entry i scores 19.5 − 0.4(i−1) on each of the 5 criteria (distinct totals), except:
 *  - R03 copies R02 exactly: a full tie on ranks 2–3, across the 一等奖/二等奖 boundary;
 *  - R21 lacks one of its three reviews (a draft) and scores lowest;
 *  - R22 is disqualified and would top the list.
 */
function regionalEntries(): EntrySpec[] {
  const level = (i: number) => Math.round((19.5 - (i - 1) * 0.4) * 100) / 100;
  return Array.from({ length: 22 }, (_, k): EntrySpec => {
    const i = k + 1;
    const c = Array(5).fill(i === 22 ? 20 : level(i === 3 ? 2 : i));
    return {
      code: `R${String(i).padStart(2, '0')}`,
      title: `依托国家平台的区域研修实践（${i}）`,
      status: i === 22 ? 'disqualified' : 'eligible',
      authors: [{ name: `林老师${i}`, unit: `福州市第${i}中学`, county: i % 2 ? '鼓楼区' : '仓山区' }],
      reviews: [c, c, c],
      drafts: i === 21 ? [2] : [],
    };
  });
}

const HTMX = { 'HX-Request': 'true', 'HX-Target': 'div#decision' };

/** Rows of the entries table of the 评奖 page, in page order: [code, band cell text]. */
function entryRows(html: string): string[] {
  return [...html.matchAll(/<tr id="entry-\d+"[^>]*>\s*<td class="num">[^<]*<\/td>\s*<td class="nowrap">([^<]+)<\/td>/g)].map((m) => m[1]);
}

async function readWorkbook(body: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ArrayBuffer);
  return wb;
}

const sheetRows = (ws: ExcelJS.Worksheet): unknown[][] => {
  const rows: unknown[][] = [];
  ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
};

let server: TestServer;
let built: BuiltContest;
let organizer: Client;
let base: string;

beforeAll(async () => {
  server = await startTestServer();
  built = await buildAwardContest(server.db, FUJIAN, 'regional-training', regionalEntries());
  await addMember(server.db, built.contestId, 'organizer', 'organizer', null);
  base = `/contests/${built.contestId}/awards`;
  organizer = new Client(server.app);
  await organizer.login('organizer');
});
afterAll(async () => {
  await server?.close();
});

const id = (code: string) => built.ids.get(code)!;

/** A decision posted the way the drawer's htmx form posts it: token in the header, fragment wanted. */
async function htmxPost(url: string, form: Record<string, string>): Promise<Response> {
  const token = csrfField((await organizer.get(base)).body);
  return organizer.request({ method: 'POST', url, form, headers: { ...HTMX, 'X-CSRF-Token': token } });
}

const auditRows = (action: string) =>
  server.db
    .selectFrom('audit_log')
    .selectAll()
    .where('action', '=', action)
    .where('contest_id', '=', built.contestId)
    .orderBy('id')
    .execute();

describe('评奖 page', () => {
  it('shows each category with its valid count, caps and derivation, entries in rank order, the boundary tie, the blockers', async () => {
    const res = await organizer.get(base);
    expect(res.statusCode).toBe(200);
    const html = res.body;
    const awards = await contestAwards(server.db, built.contestId);
    // Every category of the rule set, the empty ones too.
    for (const c of awards.categories) expect(html).toContain(c.name);
    // R21 misses a review: held out of the bands and of the valid count until it is complete or let through.
    expect(html).toContain('有效作品 <strong>20</strong> 件（另有 <strong>1</strong> 件待处理');
    expect(html).toContain('一等奖 ⌊20×10%⌋=2');
    expect(html).toContain('一、二、三等奖合计 ⌊20×60%⌋=12');
    expect(html).toContain('未计入有效作品的：待处理 1 件：R21（评审）；取消资格 1 件：R22。');
    // Rank order exactly as computed; the disqualified entry is not there.
    const regional = awards.groups.find((g) => g.categoryKey === 'regional-training')!;
    expect(entryRows(html)).toEqual(regional.entries.map((e) => e.code));
    expect(entryRows(html)).not.toContain('R22');
    // The tie is highlighted with both entries, and named as a blocker with links to them.
    expect(html).toContain('边界并列（待决定）');
    expect(html).toContain('2 件作品并列第 2 名，跨越“一等奖”与“二等奖”的边界');
    expect(html).toMatch(new RegExp(`<tr id="entry-${id('R02')}" class="tie pending">`));
    expect(html).toMatch(new RegExp(`<tr id="entry-${id('R03')}" class="tie pending">`));
    expect(html).toContain('尚有 <strong>2</strong> 项问题未解决');
    expect(html).toContain('作品 R21：缺少 1 份评审');
    expect(html).toMatch(new RegExp(`<tr id="entry-${id('R21')}" class="held">`));
    expect(html).toContain(`hx-get="${base}/entries/${id('R21')}"`);
    // Advisory figures, folded away.
    expect(html).toContain('<details class="panel advisory" id="advisory">');
    expect(html).toContain('ICC（单向）');
    expect(html).toContain('张评委');
    // No 推优 section: this rule set has no quotas.
    expect(html).not.toContain('id="quotas"');
    // The tab is there and current.
    expect(html).toMatch(/<a href="\/contests\/\d+\/awards" aria-current="page">评奖<\/a>/);
  });

  it('loads an entry’s decision panel as a fragment for htmx and as a whole page otherwise', async () => {
    const url = `${base}/entries/${id('R02')}`;
    const fragment = await organizer.get(url, HTMX);
    expect(fragment.statusCode).toBe(200);
    expect(fragment.body).not.toContain('<html');
    expect(fragment.body).toContain('R02 依托国家平台的区域研修实践（2）');
    expect(fragment.body).toContain('边界并列（待决定）');
    // A tied entry has no band preselected: the organizer must choose.
    expect(fragment.body).toContain('<input type="radio" name="value" value="一等奖" required>');
    expect(fragment.body).toContain('<input type="radio" name="value" value="" required> 不获奖');
    const page = await organizer.get(url);
    expect(page.body).toContain('<html');
    expect(page.body).toContain('<div id="decision" class="panel decision-page">');
    // The same panel, inside the page.
    const body = (html: string) => html.slice(html.indexOf('<div class="decision">'), html.indexOf('查看作品详情与文档'));
    expect(body(page.body).replace(/value="[^"]{20,}"/g, '')).toBe(body(fragment.body).replace(/value="[^"]{20,}"/g, ''));
    // Entries outside the awards: disqualified, or of another contest.
    expect((await organizer.get(`${base}/entries/${id('R22')}`)).statusCode).toBe(404);
    expect((await organizer.get(`${base}/entries/999999`)).statusCode).toBe(404);
  });

  it('refuses a band adjustment without a reason, with a Chinese error in the panel and nothing stored', async () => {
    const res = await htmxPost(`${base}/entries/${id('R02')}/decision`, { kind: 'band', value: '一等奖', reason: '   ' });
    expect(res.statusCode).toBe(422);
    expect(res.body).not.toContain('<html');
    expect(res.body).toContain('调整奖项有误：调整作品 R02 必须填写理由');
    // The refused choice is kept in the form.
    expect(res.body).toContain('<input type="radio" name="value" value="一等奖" required checked>');
    expect(await server.db.selectFrom('award_overrides').selectAll().execute()).toEqual([]);
    expect(await auditRows('award.override.band')).toEqual([]);
  });

  it('settles the boundary tie: the override shows in the swapped page, the same as a reload, and is audited', async () => {
    const res = await htmxPost(`${base}/entries/${id('R02')}/decision`, {
      kind: 'band',
      value: '一等奖',
      reason: '评审会议决定：R02 的研修模式创新更突出',
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['hx-retarget']).toBe('#main');
    expect(res.headers['hx-replace-url']).toBe(base);
    expect(res.headers['hx-reswap']).toContain(`#entry-${id('R02')}`);
    expect(res.body).not.toContain('<html');
    expect(res.body).toContain('已调整（计算结果：并列待定）：评审会议决定：R02 的研修模式创新更突出');
    // A reload of the page (or the same fragment asked for again) shows exactly what was swapped in.
    const again = await organizer.get(base, { 'HX-Request': 'true', 'HX-Target': 'main#main' });
    expect(again.body).toBe(res.body);
    expect((await organizer.get(base)).body).toContain(res.body.trim());

    // The second entry by a plain form (no script): redirected back to its row.
    const plain = await organizer.post(
      `${base}/entries/${id('R03')}/decision`,
      { kind: 'band', value: '二等奖', reason: '评审会议决定：与 R02 比较后列二等奖' },
      base,
    );
    expect(plain.statusCode).toBe(303);
    expect(plain.headers.location).toBe(`${base}#entry-${id('R03')}`);

    const html = (await organizer.get(base)).body;
    expect(html).toContain('边界并列（已决定）');
    expect(html).toMatch(new RegExp(`<tr id="entry-${id('R02')}" class="tie">`));
    expect(html).toContain('尚有 <strong>1</strong> 项问题未解决');
    const awards = await contestAwards(server.db, built.contestId);
    const g = awards.groups.find((x) => x.categoryKey === 'regional-training')!;
    expect(g.entries.filter((e) => e.band === '一等奖').map((e) => e.code)).toEqual(['R01', 'R02']);

    const log = await auditRows('award.override.band');
    expect(log.map((l) => [l.subject_id, l.user_id, l.reason])).toEqual([
      [String(id('R02')), server.users.organizer, '评审会议决定：R02 的研修模式创新更突出'],
      [String(id('R03')), server.users.organizer, '评审会议决定：与 R02 比较后列二等奖'],
    ]);
    expect(JSON.parse(log[0].new_value!)).toEqual({ code: 'R02', value: '一等奖' });
    // The decisions log on the page.
    expect(html).toContain('<td>奖项调整</td>');
  });

  it('releases an entry with a missing review, with a reason, and clears a decision only with a reason', async () => {
    const release = `${base}/entries/${id('R21')}/decision`;
    const refused = await htmxPost(release, { kind: 'release', reason: '' });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('放行有误：调整作品 R21 必须填写理由');
    const ok = await htmxPost(release, { kind: 'release', reason: '第三位专家因病缺席，两份评审一致' });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('没有未解决的问题');
    expect(ok.body).toContain('放行理由：第三位专家因病缺席，两份评审一致');

    // A band adjustment to no award, then withdrawn.
    await htmxPost(`${base}/entries/${id('R05')}/decision`, { kind: 'band', value: '', reason: '存在引用不规范问题' });
    expect((await organizer.get(base)).body).toContain('已调整（计算结果：二等奖）：存在引用不规范问题');
    const clear = `${base}/entries/${id('R05')}/decision/clear`;
    const noReason = await htmxPost(clear, { kind: 'band', reason: ' ' });
    expect(noReason.statusCode).toBe(422);
    expect(noReason.body).toContain('撤销调整奖项须填写理由');
    const nothing = await htmxPost(`${base}/entries/${id('R06')}/decision/clear`, { kind: 'band', reason: '误操作' });
    expect(nothing.statusCode).toBe(422);
    expect(nothing.body).toContain('作品 R06 没有可撤销的调整奖项');
    const cleared = await htmxPost(clear, { kind: 'band', reason: '核实后引用规范' });
    expect(cleared.statusCode).toBe(200);
    expect(cleared.body).not.toContain('存在引用不规范问题');
    const log = await auditRows('award.override.band.clear');
    expect(log.map((l) => [l.subject_id, l.reason])).toEqual([[String(id('R05')), '核实后引用规范']]);
    expect((await auditRows('award.override.release')).map((l) => l.reason)).toEqual(['第三位专家因病缺席，两份评审一致']);

    // Unknown kinds and bands, and a band form without a choice, are refused, not stored.
    expect((await htmxPost(release, { kind: 'gold', reason: 'x' })).statusCode).toBe(400);
    const unchosen = await htmxPost(`${base}/entries/${id('R06')}/decision`, { kind: 'band', reason: '会议决定' });
    expect(unchosen.statusCode).toBe(400);
    expect(unchosen.body).toContain('请选择奖项');
    const badBand = await htmxPost(`${base}/entries/${id('R06')}/decision`, { kind: 'band', value: '特等奖', reason: '会议决定' });
    expect(badBand.statusCode).toBe(422);
    expect(badBand.body).toContain('奖项“特等奖”不存在（可选：一等奖、二等奖、三等奖，或不获奖）');
  });
});

describe('公示 and downloads', () => {
  it('publishes versions (a reason from the second on), lists them with date and hash, and shows each snapshot', async () => {
    const url = `${base}/publications`;
    const empty = await organizer.get(url);
    expect(empty.body).toContain('还没有公示过');
    expect(empty.body).toContain('公示第 1 版');

    const first = await organizer.post(url, { reason: '' });
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe(`${url}/1`);
    const again = await organizer.post(url, { reason: '' });
    expect(again.statusCode).toBe(422);
    expect(again.body).toContain('已有第 1 版公示，再次公示须填写理由');
    // A later decision and a second version with its reason.
    await htmxPost(`${base}/entries/${id('R04')}/decision`, { kind: 'band', value: '一等奖', reason: '复议后提升' });
    const second = await organizer.post(url, { reason: '复议后调整 R04' });
    expect(second.headers.location).toBe(`${url}/2`);

    const list = await organizer.get(url);
    const rows = await server.db
      .selectFrom('award_publications')
      .select(['version', 'sha256', 'published_at'])
      .orderBy('version')
      .execute();
    expect(rows.map((r) => r.version)).toEqual([1, 2]);
    for (const r of rows) expect(list.body).toContain(`title="${r.sha256}"`);
    expect(list.body).toContain('复议后调整 R04');
    expect(list.body).toContain('测试organizer');
    expect((await auditRows('award.publish')).map((l) => l.reason)).toEqual([null, '复议后调整 R04']);

    const v1 = await organizer.get(`${url}/1`);
    expect(v1.statusCode).toBe(200);
    expect(v1.body).toContain('存档完好');
    expect(v1.body).toContain(rows[0].sha256);
    // Read-only: the frozen list without decision links; R04 still where it was.
    expect(v1.body).not.toContain('hx-get=');
    expect(v1.body).not.toContain('复议后提升');
    expect((await organizer.get(`${url}/2`)).body).toContain('复议后提升');
    expect((await organizer.get(`${url}/9`)).statusCode).toBe(404);
  });

  it('refuses publication while problems remain unless a reason is given', async () => {
    const full = [19, 19, 19, 19, 19];
    const low = [18, 18, 18, 18, 18];
    const open = await buildAwardContest(server.db, FUJIAN, 'regional-training', [
      { code: 'P01', title: '甲', reviews: [full, full, full] },
      { code: 'P02', title: '乙', reviews: [low, low, low], drafts: [2] },
    ]);
    await addMember(server.db, open.contestId, 'organizer', 'organizer', null);
    const url = `/contests/${open.contestId}/awards/publications`;
    const page = await organizer.get(url);
    expect(page.body).toContain('公示理由（必填）');
    const refused = await organizer.post(url, { reason: ' ' });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('尚有 1 项问题未解决，不能公示');
    expect(refused.body).toContain('作品 P02：缺少 1 份评审');
    const published = await organizer.post(url, { reason: '第三位专家的评审延期，先行公示' });
    expect(published.headers.location).toBe(`${url}/1`);
    const snapshot = await organizer.get(`${url}/1`);
    expect(snapshot.body).toContain('第三位专家的评审延期，先行公示');
    expect(snapshot.body).toContain('公示时尚有 <strong>1</strong> 项问题未解决');
  });

  it('sends the 评奖工作簿 as .xlsx with the Chinese file name, matching the database row for row', async () => {
    const res = await organizer.request({ method: 'GET', url: `${base}/download?kind=workbook&format=xlsx` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const contest = await server.db.selectFrom('contests').select('name').where('id', '=', built.contestId).executeTakeFirstOrThrow();
    const disposition = String(res.headers['content-disposition']);
    expect(disposition).toContain(`filename*=UTF-8''${encodeURIComponent(`${contest.name}评奖工作簿.xlsx`)}`);
    expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]+";/);

    const wb = await readWorkbook(await rawBody(`${base}/download?kind=workbook&format=xlsx`));
    const awards = await contestAwards(server.db, built.contestId);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总', ...awards.categories.map((c) => c.name)]);
    const rows = sheetRows(wb.getWorksheet('区域研修应用案例')!);
    expect(rows[0]).toEqual(['序号', '编号', '作品名称', '作者', '单位', '区县', '学段', '最终得分', '奖项']);
    const g = awards.groups.find((x) => x.categoryKey === 'regional-training')!;
    const listed = g.bands.flatMap((b) => g.entries.filter((e) => e.band === b.name));
    expect(rows.slice(1).map((r) => [r[1], r[2], r[3], r[7], r[8]])).toEqual(
      listed.map((e) => [e.code, e.title, e.authors[0].name, e.score, e.band]),
    );
    expect(rows.find((r) => r[1] === 'R04')![8]).toBe('一等奖');
  });

  it('sends CSV, score details with and without comments, and a publication’s frozen list', async () => {
    const csv = await rawBody(`${base}/download?kind=workbook&format=csv`);
    expect(csv.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.toString('utf8')).toContain('依托国家平台的区域研修实践（1）');

    const comment = '结构完整，建议补充数据';
    const plain = await readWorkbook(await rawBody(`${base}/download?kind=details&format=xlsx`));
    const withComments = await readWorkbook(await rawBody(`${base}/download?kind=details&format=xlsx&comments=true`));
    const text = (wb: ExcelJS.Workbook) => wb.worksheets.flatMap(sheetRows).flat().map(String).join('\n');
    expect(text(plain)).not.toContain(comment);
    expect(text(withComments)).toContain(comment);
    expect(sheetRows(withComments.worksheets[0])[0]).toContain('评语');

    // Version 1 was published before R04 moved up.
    const v1 = await organizer.request({ method: 'GET', url: `${base}/download?kind=workbook&format=xlsx&version=1` });
    expect(decodeURIComponent(String(v1.headers['content-disposition']).split("UTF-8''")[1])).toMatch(/评奖工作簿（第1版公示）\.xlsx$/);
    const frozen = sheetRows(
      (await readWorkbook(await rawBody(`${base}/download?kind=workbook&format=xlsx&version=1`))).getWorksheet('区域研修应用案例')!,
    );
    expect(frozen.find((r) => r[1] === 'R04')![8]).toBe('二等奖');
    expect((await organizer.get(`${base}/download?version=7`)).statusCode).toBe(404);
    expect((await organizer.get(`${base}/download?format=pdf`)).statusCode).toBe(400);
  });

  it('refuses to export a snapshot that no longer matches its hash and says so on its page', async () => {
    const row = await server.db
      .selectFrom('award_publications')
      .select(['id', 'snapshot_json'])
      .where('contest_id', '=', built.contestId)
      .where('version', '=', 1)
      .executeTakeFirstOrThrow();
    await server.db
      .updateTable('award_publications')
      .set({ snapshot_json: row.snapshot_json.replace('R01', 'R99') as typeof row.snapshot_json })
      .where('id', '=', row.id)
      .execute();
    const page = await organizer.get(`${base}/publications/1`);
    expect(page.body).toContain('存档与校验码不符');
    expect(page.body).not.toContain('download?');
    // The list flags it too and offers its files no more; version 2 is untouched.
    const list = (await organizer.get(`${base}/publications`)).body;
    expect(list).toContain('与校验码不符');
    expect(list).not.toContain('version=1"');
    expect(list).toContain('version=2"');
    const res = await organizer.get(`${base}/download?kind=workbook&format=xlsx&version=1`);
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('第 1 版公示的存档与其校验码不符，已拒绝导出');
  });
});

describe('推优 quotas', () => {
  it('ranks only prize quotas after judging', async () => {
    const city = await buildAwardContest(server.db, CITY, 'platform-application-cases', [
      {
        code: 'S1',
        title: '案例',
        group: '教师案例',
        authors: [{ name: '教师', unit: '市第一中学', county: '市直' }],
        reviews: [[20, 20, 20, 20, 10]],
      },
    ]);
    expect((await contestAwards(server.db, city.contestId)).quotas).toEqual([]);
  });

  it('shows each quota’s units and takes a withhold decision with its reason', async () => {
    const entry = (code: string, i: number, county: string, unit: string): EntrySpec => {
      const f = (95 - i) / 100;
      const crit = [20, 25, 25, 20, 10].map((max) => Math.round(max * f * 100) / 100);
      return {
        code,
        title: `${unit}应用案例${i}`,
        group: '教师案例',
        authors: [{ name: `教师${code}`, unit, county }],
        reviews: [crit, crit, crit],
      };
    };
    const city = await buildAwardContest(
      server.db,
      CITY,
      'platform-application-cases',
      [...Array.from({ length: 8 }, (_, i) => entry(`S${i + 1}`, i + 1, '市直', '市第一中学')), entry('G1', 9, '鼓楼区', '鼓楼第一小学')],
      cityPrizeQuotas,
    );
    await addMember(server.db, city.contestId, 'organizer', 'organizer', null);
    const cityBase = `/contests/${city.contestId}/awards`;
    const html = (await organizer.get(cityBase)).body;
    expect(html).toContain('id="quotas"');
    expect(html).toContain('市管学校推荐名额');
    expect(html).toContain('市第一中学：推优名额 6（默认），候选 8 件');

    const s6 = city.ids.get('S6')!;
    const panel = await organizer.get(`${cityBase}/entries/${s6}`, HTMX);
    expect(panel.body).toContain('推优（市管学校推荐名额）');
    expect(panel.body).toContain('本作品单位内第 6 名，推优');
    const token = csrfField((await organizer.get(cityBase)).body);
    const res = await organizer.request({
      method: 'POST',
      url: `${cityBase}/entries/${s6}/decision`,
      form: { kind: 'quota', value: 'withhold', reason: '该校已有同主题案例入选' },
      headers: { ...HTMX, 'X-CSRF-Token': token },
    });
    expect(res.statusCode).toBe(200);
    const awards = await contestAwards(server.db, city.contestId);
    expect(awards.quotas.find((q) => q.name === '市管学校推荐名额')!.units[0].recommended).toEqual(['S1', 'S2', 'S3', 'S4', 'S5']);
    expect(res.body).toContain('已调整：该校已有同主题案例入选');
  });
});

describe('authorization', () => {
  it('gives experts 403 on every award page, action and download, and sends visitors to the login page', async () => {
    const expert = new Client(server.app);
    await expert.login('expert');
    const urls = [
      base,
      `${base}/entries/${id('R01')}`,
      `${base}/publications`,
      `${base}/publications/1`,
      `${base}/download?kind=workbook&format=xlsx`,
    ];
    for (const url of urls) {
      const res = await expert.get(url);
      expect(res.statusCode, url).toBe(403);
      expect(res.body, url).toContain('您的账号没有访问此页面的权限');
    }
    const token = csrfField((await expert.get('/')).body);
    const before = await server.db.selectFrom('award_overrides').selectAll().execute();
    for (const url of [`${base}/entries/${id('R01')}/decision`, `${base}/entries/${id('R01')}/decision/clear`, `${base}/publications`]) {
      const res = await expert.request({ method: 'POST', url, form: { kind: 'band', value: '', reason: '专家不应能调整', _csrf: token } });
      expect(res.statusCode, url).toBe(403);
    }
    expect(await server.db.selectFrom('award_overrides').selectAll().execute()).toEqual(before);
    const anonymous = await new Client(server.app).get(base);
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe(`/login?next=${encodeURIComponent(base)}`);
  });

  it('refuses decisions and publication without a CSRF token, storing nothing', async () => {
    const before = await server.db.selectFrom('award_overrides').selectAll().execute();
    const versions = (await server.db.selectFrom('award_publications').selectAll().execute()).length;
    const noToken = await organizer.request({
      method: 'POST',
      url: `${base}/entries/${id('R07')}/decision`,
      form: { kind: 'band', value: '一等奖', reason: '伪造请求' },
    });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.body).toContain('页面已过期');
    const forged = await organizer.request({
      method: 'POST',
      url: `${base}/publications`,
      form: { reason: '伪造', _csrf: 'forged-token' },
    });
    expect(forged.statusCode).toBe(403);
    expect(await server.db.selectFrom('award_overrides').selectAll().execute()).toEqual(before);
    expect((await server.db.selectFrom('award_publications').selectAll().execute()).length).toBe(versions);
  });

  it('answers malformed ids with 400', async () => {
    expect((await organizer.get('/contests/abc/awards')).statusCode).toBe(400);
    expect((await organizer.get(`${base}/entries/0`)).statusCode).toBe(400);
    expect((await organizer.get(`${base}/publications/x`)).statusCode).toBe(400);
  });
});

/**
 * A file download as bytes: the test Client keeps bodies as strings, which would mangle a binary file,
 * so downloads go through inject with a session of their own.
 */
let downloadCookie: string | null = null;
async function rawBody(url: string): Promise<Buffer> {
  downloadCookie ??= await organizerCookie();
  const res = await server.app.inject({ method: 'GET', url, headers: { cookie: downloadCookie } });
  expect(res.statusCode, url).toBe(200);
  return res.rawPayload;
}

async function organizerCookie(): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (headers: Record<string, unknown>) => {
    for (const c of ([] as string[]).concat((headers['set-cookie'] as string | string[] | undefined) ?? [])) {
      const pair = c.split(';')[0];
      jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const page = await server.app.inject({ method: 'GET', url: '/login' });
  keep(page.headers);
  const login = await server.app.inject({
    method: 'POST',
    url: '/login',
    headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ username: 'organizer', password: PASSWORD, _csrf: csrfField(page.body) }).toString(),
  });
  expect(login.statusCode).toBe(303);
  keep(login.headers);
  return cookie();
}
