import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContest } from '../src/contests/index.ts';
import { Client, headerToken, makeZip, multipart, startTestServer, type TestServer } from './server-helpers.ts';

/** An uploaded batch whose 登记表 are scans: the import finishes at once, OCR follows as its own background job. */
const RULES = 'rules/2024-district-info-teaching-exchange.yaml';
const SCAN = fs.readFileSync('test/fixtures/documents/registration-scan.pdf');
let server: TestServer;
let contestId: number;
let organizer: Client;

beforeAll(async () => {
  server = await startTestServer();
  contestId = await createContest(server.db, {
    rulesYaml: fs.readFileSync(RULES, 'utf8'),
    rulesSource: path.basename(RULES),
    userId: server.users.organizer,
  });
  organizer = new Client(server.app);
  await organizer.login('organizer');
});
afterAll(() => server?.close());

describe('OCR after an upload', () => {
  it('imports, then reads the scans in a background job the import page follows', async () => {
    const zip = makeZip([
      { name: '小学+北京市海淀区实验小学+张明远/融合创新应用教学案例/信息技术与语文教学深度融合的实践探索/作品登记表.pdf', data: SCAN },
    ]);
    const page = await organizer.get(`/contests/${contestId}/imports`);
    const { payload, contentType } = multipart('作品.zip', zip);
    const res = await organizer.request({
      method: 'POST',
      url: `/contests/${contestId}/imports/upload`,
      headers: { 'content-type': contentType, 'HX-Request': 'true', 'X-CSRF-Token': headerToken(page.body) },
      payload,
    });
    expect(res.statusCode).toBe(204);
    const jobUrl = String(res.headers['hx-redirect']);
    await server.app.jobs.idle();
    const done = await organizer.get(jobUrl);
    expect(done.body).toMatch(/<strong>1<\/strong><span>新导入作品/);
    expect(done.body).toContain('扫描件文字识别（OCR）：已完成。');
    const jobs = await server.db.selectFrom('jobs').select(['kind', 'status']).orderBy('id').execute();
    expect(jobs).toEqual([
      { kind: 'import', status: 'done' },
      { kind: 'ocr', status: 'done' },
    ]);
    const entry = await server.db.selectFrom('entries').select('id').executeTakeFirstOrThrow();
    const detail = await organizer.get(`/contests/${contestId}/entries/${entry.id}`);
    expect(detail.body).toMatch(/扫描件，已识别 \d+ 字符/);
    expect(detail.body).toContain('作者姓名');
  });
});
