import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoContest } from '../scripts/demo.ts';
import { publish } from '../src/awards/store/publication.ts';
import { addMember } from '../src/contests/members.ts';
import { commonDocuments } from '../src/db/columns.ts';
import { createUser } from '../src/users/accounts.ts';
import { makeDocx } from './helpers/docx.ts';
import { Client, csrfField, makeZip, multipart, PASSWORD, type Response, startTestServer, type TestServer } from './server-helpers.ts';

/**
 * Issue 15: organizers are confined to their contests. Two contests made like the demo one (import,
 * experts, panels, reviews, scans, checks, a library document, an exclusion, a publication), each with
 * its own organizer. Every route of the app under /contests/:contestId, filled with contest B's real
 * ids, answers B's organizer and refuses A's; B's ids under A's address are refused even to an
 * administrator; and every link and form B's organizer can reach by crawling B's pages is refused to A's.
 */

let server: TestServer;
let orgA: Client;
let orgB: Client;
let admin: Client;
let contestA: number;
let contestB: number;
const organizers = { orgA: 0, orgB: 0 };
/** One real object of contest B per path parameter. */
const idsB: Record<string, number> = {};

const firstId = async (query: Promise<{ id: number } | undefined>, what: string): Promise<number> => {
  const row = await query;
  if (!row) throw new Error(`contest B has no ${what}`);
  return row.id;
};

async function htmxUpload(client: Client, url: string, tokenPage: string, fileName: string, data: Buffer): Promise<Response> {
  const token = csrfField((await client.get(tokenPage)).body);
  const { payload, contentType } = multipart(fileName, data);
  return client.request({
    method: 'POST',
    url,
    payload,
    headers: { 'content-type': contentType, 'x-csrf-token': token, 'hx-request': 'true' },
  });
}

/** A route path with its parameters filled in. */
const fill = (url: string, contestId: number): string =>
  url.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    if (name === 'contestId') return String(contestId);
    // Each feature's job page shows its own kind of job.
    const key = name === 'jobId' ? `jobId:${/\/(imports|similarity|eligibility)\//.exec(url)?.[1]}` : name;
    if (!(key in idsB)) throw new Error(`no id of contest B for :${key} in ${url}`);
    return String(idsB[key]);
  });

/** A state-changing request with a valid CSRF token of the client's own session. */
async function post(client: Client, url: string, tokenPage: string): Promise<Response> {
  const token = csrfField((await client.get(tokenPage)).body);
  return client.request({ method: 'POST', url, form: { _csrf: token, reason: '越权测试', decision: '均取消资格', username: 'orgA' } });
}

const contestRoutes = () =>
  server.app.routeTable
    .filter((r) => r.url.includes(':contestId'))
    .flatMap((r) => ([] as string[]).concat(r.method).map((method) => ({ method, url: r.url })))
    .filter((r) => r.method !== 'HEAD');

beforeAll(async () => {
  server = await startTestServer();
  process.env.CASEJURY_DATA = server.dataDir; // the demo's import stores files where the server reads them
  for (const name of ['orgA', 'orgB'] as const) {
    organizers[name] = await createUser(
      server.db,
      { username: name, displayName: name, role: 'organizer', password: PASSWORD, mustChangePassword: false },
      null,
    );
  }
  contestA = (await createDemoContest(server.db, path.join(server.dataDir, 'a'), 30, '甲市评选')).contestId;
  contestB = (await createDemoContest(server.db, path.join(server.dataDir, 'b'), 30, '乙市评选')).contestId;
  await addMember(server.db, contestA, 'orgA', 'organizer', server.users.admin);
  await addMember(server.db, contestB, 'orgB', 'organizer', server.users.admin);
  orgA = new Client(server.app);
  orgB = new Client(server.app);
  admin = new Client(server.app);
  for (const [client, name] of [
    [orgA, 'orgA'],
    [orgB, 'orgB'],
    [admin, 'admin'],
  ] as const) {
    expect((await client.login(name)).statusCode).toBe(303);
  }

  // What B's organizer does, so that every kind of object B can have exists.
  const b = `/contests/${contestB}`;
  expect((await orgB.post(`${b}/similarity/scan`, {}, `${b}/similarity`)).statusCode).toBe(303);
  expect((await orgB.post(`${b}/eligibility/check`, {}, `${b}/eligibility`)).statusCode).toBe(303);
  const zip = makeZip([
    { name: '小学+乙市实验小学+钱老师/区域研修应用案例/补报案例/案例介绍.txt', data: Buffer.from('补报的案例文字。'.repeat(50)) },
  ]);
  expect((await htmxUpload(orgB, `${b}/imports/upload`, `${b}/imports`, '补报.zip', zip)).statusCode).toBe(204);
  await server.app.jobs.idle();
  const doc = await makeDocx({
    title: '往届案例',
    sections: [{ heading: '一、背景', paragraphs: ['往届的案例文字用于比对。'.repeat(20)] }],
  });
  expect((await htmxUpload(orgB, `${b}/similarity/library/upload`, `${b}/similarity/library`, '往届案例.docx', doc)).statusCode).toBe(200);
  const db = server.db;
  const run = await firstId(
    db.selectFrom('similarity_runs').select('id').where('contest_id', '=', contestB).orderBy('id', 'desc').executeTakeFirst(),
    'scan',
  );
  // The demo's documents share no template text; a passage as the scan stores one stands in.
  idsB.commonId = (
    await db
      .insertInto('similarity_common')
      .values({ run_id: run, text: '坚持以教育数字化赋能教师专业发展', entries: 6, documents_json: commonDocuments.write([]) })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  expect(
    (await orgB.post(`${b}/similarity/common/${idsB.commonId}/exclude`, { reason: '通知原文' }, `${b}/similarity/common`)).statusCode,
  ).toBe(303);
  await publish(db, contestB, server.users.admin, '测试公示');

  idsB.pairId = await firstId(db.selectFrom('similarity_pairs').select('id').where('run_id', '=', run).executeTakeFirst(), 'pair');
  const [entryA, entryB] = (
    await db.selectFrom('entries').select('id').where('contest_id', '=', contestB).orderBy('id').limit(2).execute()
  ).map((e) => e.id);
  Object.assign(idsB, { entryId: entryA, entryA, entryB, version: 1 });
  idsB.fileId = await firstId(
    db
      .selectFrom('similarity_reports as r')
      .innerJoin('files as f', 'f.id', 'r.file_id')
      .select('f.id')
      .where('r.run_id', '=', run)
      .executeTakeFirst(),
    'scanned file',
  );
  for (const [feature, kind] of [
    ['imports', 'import'],
    ['similarity', 'similarity'],
    ['eligibility', 'eligibility-check'],
  ]) {
    idsB[`jobId:${feature}`] = await firstId(
      db.selectFrom('jobs').select('id').where('contest_id', '=', contestB).where('kind', '=', kind).executeTakeFirst(),
      `${kind} job`,
    );
  }
  idsB.batchId = await firstId(
    db.selectFrom('import_batches').select('id').where('contest_id', '=', contestB).executeTakeFirst(),
    'import batch',
  );
  idsB.panelId = await firstId(db.selectFrom('panels').select('id').where('contest_id', '=', contestB).executeTakeFirst(), 'panel');
  idsB.userId = (
    await db.selectFrom('panel_members').select('user_id').where('panel_id', '=', idsB.panelId).executeTakeFirstOrThrow()
  ).user_id;
  idsB.reviewId = await firstId(db.selectFrom('reviews').select('id').where('contest_id', '=', contestB).executeTakeFirst(), 'review');
  idsB.assignmentId = await firstId(
    db.selectFrom('assignments').select('id').where('contest_id', '=', contestB).executeTakeFirst(),
    'assignment',
  );
  idsB.exclusionId = await firstId(
    db.selectFrom('similarity_exclusions').select('id').where('contest_id', '=', contestB).executeTakeFirst(),
    'exclusion',
  );
  idsB.documentId = await firstId(
    db.selectFrom('similarity_library').select('id').where('contest_id', '=', contestB).executeTakeFirst(),
    'library document',
  );
  // A unit of B's own, added on B's 单位与名额 page, for the units routes.
  expect((await orgB.post(`${b}/units/add`, { name: '乙市第二实验小学', kind: '学校' }, `${b}/units`)).statusCode).toBe(200);
  idsB.unitId = await firstId(
    db.selectFrom('units').select('id').where('contest_id', '=', contestB).where('name', '=', '乙市第二实验小学').executeTakeFirst(),
    'unit',
  );
}, 240_000);

afterAll(async () => {
  delete process.env.CASEJURY_DATA;
  await server?.close();
});

describe('organizers confined to their contests', () => {
  it('lists only the organizer’s own contests, and all of them to an administrator', async () => {
    const listA = (await orgA.get('/contests')).body;
    expect(listA).toContain('甲市评选');
    expect(listA).not.toContain('乙市评选');
    const all = (await admin.get('/contests')).body;
    expect(all).toContain('甲市评选');
    expect(all).toContain('乙市评选');
  });

  it('answers B’s organizer on every page of contest B, filled with B’s real ids', async () => {
    const pages = contestRoutes().filter((r) => r.method === 'GET' && !r.url.includes('/members'));
    expect(pages.length).toBeGreaterThan(25);
    for (const r of pages) {
      const url = fill(r.url, contestB);
      expect((await orgB.get(url)).statusCode, url).toBeLessThan(400);
    }
  });

  it('refuses A’s organizer every route of contest B (every method), with B’s real ids', async () => {
    const routes = contestRoutes();
    expect(routes.length).toBeGreaterThan(50);
    const tokenPage = `/contests/${contestA}`;
    for (const r of routes) {
      const url = fill(r.url, contestB);
      const res = r.method === 'GET' ? await orgA.get(url) : await post(orgA, url, tokenPage);
      expect([403, 404], `${r.method} ${url}`).toContain(res.statusCode);
    }
  });

  it('refuses B’s ids under A’s address, to A’s organizer and to an administrator', async () => {
    const routes = contestRoutes().filter((r) => /:(?!contestId\b)(?!version\b)(?!userId\b)/.test(r.url));
    expect(routes.length).toBeGreaterThan(20);
    for (const client of [orgA, admin]) {
      for (const r of routes) {
        const url = fill(r.url, contestA);
        const res = r.method === 'GET' ? await client.get(url) : await post(client, url, `/contests/${contestA}`);
        expect(res.statusCode, `${r.method} ${url}`).toBe(404);
      }
    }
  });

  it('refuses A’s organizer every link and form B’s organizer reaches by crawling B’s pages', async () => {
    const prefix = `/contests/${contestB}`;
    const links = new Set<string>();
    const forms = new Set<string>();
    const queue = [prefix];
    while (queue.length && links.size < 400) {
      const url = queue.shift() as string;
      if (links.has(url)) continue;
      links.add(url);
      const res = await orgB.get(url);
      // B's organizer passes the guard (a link may still be refused for its query, never as another contest's).
      expect([401, 403, 404], url).not.toContain(res.statusCode);
      if (!String(res.headers['content-type']).startsWith('text/html')) continue;
      for (const [, attr, href] of res.body.matchAll(/(href|hx-get|action|hx-post)="(\/[^"#]*)"/g)) {
        const link = href.replace(/&amp;/g, '&');
        if (!link.startsWith(prefix)) continue;
        if (attr === 'action' || attr === 'hx-post') forms.add(link);
        else if (!links.has(link)) queue.push(link);
      }
    }
    expect(links.size).toBeGreaterThan(40);
    expect(forms.size).toBeGreaterThan(10);
    for (const url of links) expect([403, 404], url).toContain((await orgA.get(url)).statusCode);
    for (const url of forms) expect([403, 404], url).toContain((await post(orgA, url, `/contests/${contestA}`)).statusCode);
    // Nothing of B changed through A's attempts.
    const audit = await server.db
      .selectFrom('audit_log')
      .select('action')
      .where('contest_id', '=', contestB)
      .where('user_id', '=', organizers.orgA)
      .execute();
    expect(audit).toEqual([]);
  });

  it('keeps contest pages to members: an organizer removed from a contest loses it at once', async () => {
    const url = `/contests/${contestB}/entries`;
    const c = new Client(server.app);
    const orgC = await createUser(
      server.db,
      { username: 'orgC', displayName: 'orgC', role: 'organizer', password: PASSWORD, mustChangePassword: false },
      null,
    );
    await c.login('orgC');
    expect((await c.get(url)).statusCode).toBe(404);
    const members = `/contests/${contestB}/members`;
    expect((await admin.post(members, { username: 'orgC' }, members)).statusCode).toBe(303);
    expect((await c.get(url)).statusCode).toBe(200);
    expect((await orgB.get(members)).statusCode).toBe(403);
    expect((await admin.post(`${members}/remove`, { username: 'orgC' }, members)).statusCode).toBe(303);
    expect((await c.get(url)).statusCode).toBe(404);
    const actions = await server.db
      .selectFrom('audit_log')
      .select('action')
      .where('contest_id', '=', contestB)
      .where('action', 'like', 'contest.member%')
      .where('subject_id', '=', String(orgC))
      .execute();
    expect(actions.map((a) => a.action)).toEqual(['contest.member_add', 'contest.member_remove']);
  });

  it('refuses to start when a contest route declares no contest scope or an unknown path parameter', async () => {
    const { buildApp } = await import('../src/server/app.ts');
    for (const [url, config, message] of [
      ['/contests/:contestId/forgotten', { access: ['admin', 'organizer'] }, /neither a ContestAccess/],
      ['/contests/:contestId/things/:thingId', { access: { contest: ['organizer'] } }, /thingId/],
    ] as const) {
      const app = await buildApp({ db: server.db, dataDir: fs.mkdtempSync(path.join(server.dataDir, 'x-')) });
      app.get(url, { config }, async () => 'open');
      await expect(app.ready()).rejects.toThrow(message);
      await app.close().catch(() => {});
    }
  });
});
