import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nowIso } from '../src/db/connect.ts';
import { createContest } from '../src/contests/index.ts';
import { INTERRUPTED_MESSAGE, MAX_ATTEMPTS } from '../src/server/jobs.ts';
import { makeDocx } from './helpers/docx.ts';
import { Client, headerToken, makeZip, multipart, startTestServer, type Response, type TestServer } from './server-helpers.ts';
import { jobPayload } from '../src/db/columns.ts';

const RULES = 'rules/2024-platform-cases-teacher-training.yaml';
let server: TestServer;
let contestId: number;
let organizer: Client;

async function upload(c: Client, fileName: string, data: Buffer, opts: { token?: boolean; contest?: number } = {}): Promise<Response> {
  const target = opts.contest ?? contestId;
  const page = await c.get(`/contests/${target}/imports`);
  const { payload, contentType } = multipart(fileName, data);
  const headers: Record<string, string> = { 'content-type': contentType, 'HX-Request': 'true' };
  if (opts.token !== false) headers['X-CSRF-Token'] = headerToken(page.body);
  return c.request({ method: 'POST', url: `/contests/${target}/imports/upload`, headers, payload });
}

async function submissionZip(): Promise<Buffer> {
  const entries = [
    ['小学+实验小学+张明', '区域研修应用案例', '智慧平台助力区域教研'],
    ['初中+第一中学+王芳', '校本研修应用案例', '双减背景下的作业设计'],
    ['高中+高级中学+陈静', '校本研修应用案例', '大单元教学校本研修'],
  ];
  const files = await Promise.all(
    entries.map(async ([who, category, title]) => ({
      name: `${who}/${category}/${title}/案例介绍.docx`,
      data: await makeDocx({ title, sections: [{ heading: '一、基本情况', paragraphs: [`${title}的基本情况。`] }] }),
    })),
  );
  files.push({ name: '初中+第一中学+王芳/校本研修应用案例/双减背景下的作业设计/总结报告.docx', data: Buffer.from('坏文件') });
  return makeZip(files);
}

/** Follows the job page the way the progress bar does, until the job is no longer running. */
async function waitForJob(c: Client, url: string): Promise<string> {
  for (let i = 0; i < 600; i++) {
    const res = await c.get(url, { 'HX-Request': 'true', 'HX-Target': 'section#job' });
    expect(res.statusCode).toBe(200);
    if (!res.body.includes('hx-trigger="every 1s"')) return (await c.get(url)).body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('import did not finish');
}

/** The one server folder administrators may import from here (CASEJURY_IMPORT_ROOTS). */
const importRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'casejury-import-root-'));

beforeAll(async () => {
  server = await startTestServer({ importRoots: [importRoot] });
  contestId = await createContest(server.db, {
    rulesYaml: fs.readFileSync(RULES, 'utf8'),
    rulesSource: path.basename(RULES),
    userId: server.users.organizer,
  });
  organizer = new Client(server.app);
  await organizer.login('organizer');
});
afterAll(async () => {
  await server?.close();
  fs.rmSync(importRoot, { recursive: true, force: true });
});

describe('upload and import', () => {
  let zip: Buffer;

  it('imports an uploaded zip in the background and lists its entries', async () => {
    zip = await submissionZip();
    const res = await upload(organizer, '城关区作品.zip', zip);
    expect(res.statusCode).toBe(204);
    const jobUrl = String(res.headers['hx-redirect']);
    expect(jobUrl).toMatch(new RegExp(`^/contests/${contestId}/imports/\\d+$`));

    const summary = await waitForJob(organizer, jobUrl);
    expect(summary).toContain('已完成');
    expect(summary).toMatch(/<strong>3<\/strong><span>新导入作品/);
    expect(summary).toContain('初中+第一中学+王芳/校本研修应用案例/双减背景下的作业设计/总结报告.docx');
    // the job detected the new entries' suspects, so no page has to
    const snapshot = await server.db.selectFrom('suspect_snapshots').select('computed_at').where('contest_id', '=', contestId).execute();
    expect(snapshot).toHaveLength(1);

    const list = await organizer.get(`/contests/${contestId}/entries`);
    expect(list.body).toContain('共 <strong>3</strong> 件作品');
    for (const title of ['智慧平台助力区域教研', '双减背景下的作业设计', '大单元教学校本研修']) expect(list.body).toContain(title);

    // The upload's temp folder is gone once the job is over.
    expect(fs.readdirSync(server.app.tmpDir).filter((n) => n.startsWith('upload-'))).toEqual([]);
  });

  it('changes nothing when the same zip is uploaded again', async () => {
    const res = await upload(organizer, '城关区作品.zip', zip);
    const summary = await waitForJob(organizer, String(res.headers['hx-redirect']));
    expect(summary).toMatch(/<strong>0<\/strong><span>新导入作品/);
    expect(summary).toMatch(/<strong>3<\/strong><span>未变化/);
    const count = await server.db
      .selectFrom('entries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('contest_id', '=', contestId)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(3);
  });

  it('refuses an upload without the CSRF header, from an expert, or of an unsupported type', async () => {
    expect((await upload(organizer, 'a.zip', zip, { token: false })).statusCode).toBe(403);
    const expert = new Client(server.app);
    await expert.login('expert');
    const { payload, contentType } = multipart('a.zip', zip);
    const asExpert = await expert.request({
      method: 'POST',
      url: `/contests/${contestId}/imports/upload`,
      headers: { 'content-type': contentType },
      payload,
    });
    expect(asExpert.statusCode).toBe(403);
    const exe = await upload(organizer, '病毒.exe', Buffer.from('MZ'));
    expect(exe.statusCode).toBe(415);
    expect(exe.body).toContain('不支持的文件类型“病毒.exe”');
  });

  it('refuses an upload over the size limit and keeps nothing of it', async () => {
    const small = await startTestServer({ uploadLimitBytes: 1024 });
    try {
      const id = await createContest(small.db, {
        rulesYaml: fs.readFileSync(RULES, 'utf8'),
        rulesSource: path.basename(RULES),
        userId: small.users.organizer,
      });
      const c = new Client(small.app);
      await c.login('organizer');
      const res = await upload(c, 'big.zip', crypto.randomBytes(64 * 1024), { contest: id });
      expect(res.statusCode).toBe(413);
      expect(res.body).toContain('超过大小限制');
      expect(fs.readdirSync(small.app.tmpDir)).toEqual([]);
      expect(await small.db.selectFrom('jobs').selectAll().execute()).toEqual([]);
    } finally {
      await small.close();
    }
  });
});

describe('import from a server folder', () => {
  it('is for administrators only and names a missing path', async () => {
    const page = await organizer.get(`/contests/${contestId}/imports`);
    expect(page.body).not.toContain('从服务器文件夹导入');
    expect(
      (await organizer.post(`/contests/${contestId}/imports/folder`, { folder: '/tmp' }, `/contests/${contestId}/imports`)).statusCode,
    ).toBe(403);

    const admin = new Client(server.app);
    await admin.login('admin');
    const missing = await admin.post(
      `/contests/${contestId}/imports/folder`,
      { folder: '/no/such/folder' },
      `/contests/${contestId}/imports`,
    );
    expect(missing.statusCode).toBe(422);
    expect(missing.body).toContain('服务器上找不到“/no/such/folder”');
  });

  it('imports a folder in the official layout', async () => {
    const folder = path.join(importRoot, 'submissions');
    const entryDir = path.join(folder, '小学+城南小学+李华', '区域研修应用案例', '县域教研共同体建设');
    fs.mkdirSync(entryDir, { recursive: true });
    fs.writeFileSync(
      path.join(entryDir, '案例介绍.docx'),
      await makeDocx({ title: '县域教研共同体建设', sections: [{ heading: '基本情况', paragraphs: ['正文。'] }] }),
    );
    const admin = new Client(server.app);
    await admin.login('admin');
    const res = await admin.post(`/contests/${contestId}/imports/folder`, { folder }, `/contests/${contestId}/imports`);
    expect(res.statusCode).toBe(303);
    const summary = await waitForJob(admin, String(res.headers.location));
    expect(summary).toMatch(/<strong>1<\/strong><span>新导入作品/);
    expect((await admin.get(`/contests/${contestId}/entries?q=${encodeURIComponent('县域教研')}`)).body).toContain('县域教研共同体建设');
  });

  it('refuses /etc, a way out through .., and a link inside the root that points out of it; imports nothing and audits each', async () => {
    fs.symlinkSync('/etc', path.join(importRoot, '看似作品'));
    const admin = new Client(server.app);
    await admin.login('admin');
    const imports = `/contests/${contestId}/imports`;
    const entries = async () => (await server.db.selectFrom('entries').select('id').execute()).length;
    const before = await entries();
    for (const [folder, reason] of [
      ['/etc', `“/etc”不在允许导入的服务器文件夹内：${importRoot}`],
      [`${importRoot}/../../etc`, '不在允许导入的服务器文件夹内'],
      [path.join(importRoot, '看似作品'), `“${path.join(importRoot, '看似作品')}”（实际位置 /etc）不在允许导入的服务器文件夹内`],
    ]) {
      const res = await admin.post(`${imports}/folder`, { folder }, imports);
      expect(res.statusCode, folder).toBe(422);
      expect(res.body).toContain(reason);
    }
    expect(await entries()).toBe(before);
    const refused = await server.db.selectFrom('audit_log').select('new_value').where('action', '=', 'import.folder_refused').execute();
    for (const folder of ['/etc', `${importRoot}/../../etc`, path.join(importRoot, '看似作品')]) {
      expect(refused.map((r) => r.new_value)).toContain(JSON.stringify({ path: folder }));
    }
  });

  it('imports nothing from a server folder where no root is configured: uploads only', async () => {
    const bare = await startTestServer({ importRoots: [] });
    try {
      const id = await createContest(bare.db, { rulesYaml: fs.readFileSync(RULES, 'utf8'), rulesSource: 'x.yaml', userId: null });
      const admin = new Client(bare.app);
      await admin.login('admin');
      const imports = `/contests/${id}/imports`;
      expect((await admin.get(imports)).body).toContain('本服务器没有开放从服务器文件夹导入');
      const res = await admin.post(`${imports}/folder`, { folder: '/etc' }, imports);
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain('本服务器没有开放从服务器文件夹导入（管理员未设置 CASEJURY_IMPORT_ROOTS），请上传压缩包或汇总表');
      expect(await bare.db.selectFrom('jobs').select('id').execute()).toEqual([]);
      expect(await bare.db.selectFrom('files').select('id').execute()).toEqual([]);
    } finally {
      await bare.close();
    }
  });
});

describe('progress kept in the jobs table', () => {
  const addJob = (status: 'running' | 'done', progress: number, lockedAt: string) =>
    server.db
      .insertInto('jobs')
      .values({
        kind: 'import',
        contest_id: contestId,
        status,
        progress,
        message: '已处理 4 / 10',
        payload_json: jobPayload.write({ contestId, source: 'x.zip' }),
        result_json: null,
        locked_by: 'another-instance',
        locked_at: lockedAt,
        created_at: nowIso(),
        finished_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();

  it('shows a running job as a progress bar that polls, the same on reload', async () => {
    const { id } = await addJob('running', 0.4, nowIso());
    const url = `/contests/${contestId}/imports/${id}`;
    const fragment = await organizer.get(url, { 'HX-Request': 'true', 'HX-Target': `section#job-${id}` });
    expect(fragment.body).toContain('<progress max="100" value="40"');
    expect(fragment.body).toContain('hx-trigger="every 1s"');
    expect(fragment.body).not.toContain('<html');
    const page = await organizer.get(url);
    expect(page.body).toContain('<html');
    expect(page.body).toContain('<progress max="100" value="40"');
  });

  it('runs a job again when the instance running it died, and gives up after too many attempts', async () => {
    const folder = path.join(server.dataDir, 'taken-over');
    const entryDir = path.join(folder, '小学+城北小学+赵云', '区域研修应用案例', '城乡结对研修');
    fs.mkdirSync(entryDir, { recursive: true });
    fs.writeFileSync(
      path.join(entryDir, '案例介绍.docx'),
      await makeDocx({ title: '城乡结对研修', sections: [{ heading: '基本情况', paragraphs: ['正文。'] }] }),
    );
    const newContest = (name: string) =>
      createContest(server.db, {
        name,
        rulesYaml: fs.readFileSync(RULES, 'utf8'),
        rulesSource: path.basename(RULES),
        userId: server.users.organizer,
      });
    // What a killed instance leaves behind: a running job whose heartbeat stopped an hour ago.
    const orphan = (contest: number, attempts: number) =>
      server.db
        .insertInto('jobs')
        .values({
          kind: 'import',
          contest_id: contest,
          status: 'running',
          progress: 0.2,
          message: '已处理 0 / 1',
          payload_json: jobPayload.write({ contestId: contest, source: 'taken-over', path: 'taken-over', userId: server.users.admin }),
          result_json: null,
          locked_by: 'killed-instance',
          locked_at: new Date(Date.now() - 3600_000).toISOString(),
          attempts,
          created_at: nowIso(),
          finished_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    const retriedContest = await newContest('接手的竞赛');
    const { id: retried } = await orphan(retriedContest, 1);
    const { id: givenUp } = await orphan(await newContest('放弃的竞赛'), MAX_ATTEMPTS);

    await server.app.jobs.idle();
    const rows = await server.db
      .selectFrom('jobs')
      .select(['id', 'status', 'message', 'attempts', 'locked_by'])
      .where('id', 'in', [retried, givenUp])
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { id: retried, status: 'done', message: '已完成', attempts: 2, locked_by: server.app.jobs.instanceId },
      { id: givenUp, status: 'failed', message: INTERRUPTED_MESSAGE, attempts: MAX_ATTEMPTS, locked_by: null },
    ]);
    const page = await waitForJob(organizer, `/contests/${retriedContest}/imports/${retried}`);
    expect(page).toMatch(/<strong>1<\/strong><span>新导入作品/);
  });

  it('does not show one contest’s job under another contest', async () => {
    const { id } = await addJob('done', 1, nowIso());
    const other = await createContest(server.db, {
      name: '另一竞赛',
      rulesYaml: fs.readFileSync(RULES, 'utf8'),
      rulesSource: path.basename(RULES),
      userId: server.users.organizer,
    });
    expect((await organizer.get(`/contests/${other}/imports/${id}`)).statusCode).toBe(404);
  });
});
