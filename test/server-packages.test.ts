import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContest } from '../src/contests/index.ts';
import { importPath } from '../src/ingest/import.ts';
import { addUnit } from '../src/units/store/units.ts';
import { cases, unitPackage } from './helpers/city-packages.ts';
import { Client, headerToken, multipart, startTestServer, type TestServer } from './server-helpers.ts';

/** The 单位与名额 page in the browser's stead: a contest's package as a download, and the next level created from one. */
describe('packages through the web', () => {
  let server: TestServer;
  let organizer: Client;
  let city: number;
  let previousData: string | undefined;

  beforeAll(async () => {
    server = await startTestServer();
    previousData = process.env.CASEJURY_DATA;
    process.env.CASEJURY_DATA = server.dataDir;
    organizer = new Client(server.app);
    await organizer.login('organizer');
    city = await createContest(server.db, {
      rulesYaml: fs.readFileSync('rules/city-platform-application-special.yaml', 'utf8'),
      rulesSource: 'city-platform-application-special.yaml',
      userId: server.users.organizer,
    });
    const county = await addUnit(server.db, city, { name: '东湖区', kind: '区县', parentId: null, aliases: [] }, null);
    const file = path.join(server.dataDir, '东湖区.zip');
    fs.writeFileSync(file, await unitPackage('东湖区', cases('东湖区', ['东湖区实验小学'], 3)));
    await importPath(server.db, city, file, { blobs: server.app.blobs, unitId: county });
  });
  afterAll(async () => {
    if (previousData === undefined) delete process.env.CASEJURY_DATA;
    else process.env.CASEJURY_DATA = previousData;
    await server.close();
  });

  it('refuses, in Chinese, a package with no prize winners', async () => {
    const res = await organizer.get(`/contests/${city}/package`);
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('没有符合条件的作品可以推荐');
  });

  it('creates the next level from an uploaded package and shows its stages on 概况', async () => {
    const pkg = await unitPackage('东湖区', cases('东湖区', ['东湖区实验小学'], 2, 10), { recommender: true });
    const page = await organizer.get('/contests/new');
    expect(page.body).toContain('从下一级的推荐包创建');
    const body = multipart('东湖区推荐包.zip', pkg, { rules: 'city-platform-application-special.yaml', name: '市级交流（东湖区推荐）' });
    const res = await organizer.request({
      method: 'POST',
      url: '/contests/from-package',
      payload: body.payload,
      headers: { 'content-type': body.contentType, 'X-CSRF-Token': headerToken(page.body) },
    });
    expect(res.statusCode).toBe(303);
    const next = Number(/\/contests\/(\d+)$/.exec(String(res.headers.location))?.[1]);
    const entries = await server.db.selectFrom('entries').select(['title', 'unit_id']).where('contest_id', '=', next).execute();
    expect(entries.map((e) => e.title).sort()).toEqual(['东湖区平台应用案例10', '东湖区平台应用案例11']);
    expect(entries.every((e) => e.unit_id !== null)).toBe(true);
    const home = await organizer.get(`/contests/${next}`);
    expect(home.body).toContain('阶段与截止时间');
    expect(home.body).toContain('区县推优');

    const refused = multipart('x.zip', Buffer.from('not a zip'), { rules: 'no-such.yaml' });
    const bad = await organizer.request({
      method: 'POST',
      url: '/contests/from-package',
      payload: refused.payload,
      headers: { 'content-type': refused.contentType, 'X-CSRF-Token': headerToken(page.body) },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('请选择一个规则文件');
  });

  it('edits the units tree in the browser: a pasted list, a rename, a refused delete, an entry placed by hand', async () => {
    const base = `/contests/${city}/units`;
    const listed = await organizer.post(`${base}/list`, { list: '西山县,区县\n西山县实验小学,学校,西山县\n某校,大学城,' }, base);
    expect(listed.statusCode).toBe(200);
    expect(listed.body).toContain('单位名单：新增 2');
    expect(listed.body).toContain('第 4 行的单位类型“大学城”无法识别');
    const west = await server.db
      .selectFrom('units')
      .select('id')
      .where('contest_id', '=', city)
      .where('name', '=', '西山县')
      .executeTakeFirstOrThrow();
    const renamed = await organizer.post(`${base}/${west.id}/edit`, { name: '西山市', kind: '区县', aliases: '西山' }, base);
    expect(renamed.body).toContain('已保存单位“西山市”');
    const east = await server.db
      .selectFrom('units')
      .select('id')
      .where('contest_id', '=', city)
      .where('name', '=', '东湖区')
      .executeTakeFirstOrThrow();
    const refused = await organizer.post(`${base}/${east.id}/edit`, { delete: '1' }, base);
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('“东湖区”及其下级单位还有 3 件作品，不能删除');
    const entry = await server.db.selectFrom('entries').select('id').where('contest_id', '=', city).executeTakeFirstOrThrow();
    const placed = await organizer.post(`${base}/entries/${entry.id}`, { unit: String(west.id) }, base);
    expect(placed.body).toContain('已指定作品的报送单位');
    const audit = await server.db
      .selectFrom('audit_log')
      .select('action')
      .where('contest_id', '=', city)
      .where('action', 'like', 'unit%')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['units.import', 'units.update']));
    const account = await organizer.post(`${base}/accounts`, { unit: String(west.id) }, base);
    expect(account.body).toMatch(/用户名 <strong>dw\d+-\d+<\/strong>，一次性密码/);
  });

  it('keeps experts and unit accounts off the organizer pages', async () => {
    const expert = new Client(server.app);
    await expert.login('expert');
    expect((await expert.get(`/contests/${city}/units`)).statusCode).toBe(403);
    expect((await expert.get(`/contests/${city}/package`)).statusCode).toBe(403);
    expect((await expert.get('/portal')).statusCode).toBe(403);
  });
});
