import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SuspectsContestGenerator } from '../scripts/lib/suspectsCorpus.ts';
import { createContest } from '../src/contests/index.ts';
import { importPath } from '../src/ingest/import.ts';
import { makeDocx } from './helpers/docx.ts';
import { makeMp4 } from './fixtures-media/mp4.ts';
import { Client, csrfField, startTestServer, type TestServer } from './server-helpers.ts';

/** The 一稿多投 pages: the list with reasons, both entries side by side, and the decision form. */

const RULES_FILE = 'rules/fujian-platform-cases-training-and-scenarios.yaml';
const TWIN_A = '小学+实验小学+张三/区域研修应用案例/依托双师课堂的乡村英语绘本阅读实践探索';
const TWIN_B = '小学+实验小学+张三/校本研修应用案例/乡村英语绘本阅读双师课堂案例';
const OTHER = '初中+第二中学+李四/校本研修应用案例/初中数学分数乘法教学';

let server: TestServer;
let organizer: Client;
let contestId: number;
let dataHome: string;
const ids = new Map<string, number>();
const previousData = process.env.CASEJURY_DATA;

beforeAll(async () => {
  dataHome = fs.mkdtempSync(path.join(os.tmpdir(), 'casejury-suspects-home-'));
  process.env.CASEJURY_DATA = dataHome;
  server = await startTestServer();
  organizer = new Client(server.app);
  await organizer.login('organizer');

  const root = path.join(dataHome, 'submissions');
  const generator = new SuspectsContestGenerator(3);
  for (const [i, folder] of [TWIN_A, TWIN_B, OTHER].entries()) {
    const title = folder.split('/').pop()!;
    const sections = generator.document(generator.topic(), { name: '张三', school: '实验小学', stage: '小学' }, [6, 8]);
    fs.mkdirSync(path.join(root, folder), { recursive: true });
    fs.writeFileSync(path.join(root, folder, '案例介绍.docx'), await makeDocx({ title, sections }));
    fs.writeFileSync(
      path.join(root, folder, '课堂实录.mp4'),
      makeMp4({ seconds: folder === TWIN_B ? 300 : 300 + i, width: 1280, height: 720 }),
    );
  }
  contestId = await createContest(server.db, {
    rulesYaml: fs.readFileSync(RULES_FILE, 'utf8'),
    rulesSource: path.basename(RULES_FILE),
    userId: server.users.organizer,
  });
  await importPath(server.db, contestId, root, { blobs: server.app.blobs });
  for (const e of await server.db.selectFrom('entries').select(['id', 'title']).where('contest_id', '=', contestId).execute())
    ids.set(e.title, e.id);
});
afterAll(async () => {
  await server?.close();
  if (previousData === undefined) delete process.env.CASEJURY_DATA;
  else process.env.CASEJURY_DATA = previousData;
  fs.rmSync(dataHome, { recursive: true, force: true });
});

const idOf = (folder: string): number => ids.get(folder.split('/').pop()!)!;
const list = () => `/contests/${contestId}/suspects`;
const pair = (a: number, b: number) => `/contests/${contestId}/suspects/${a}/${b}`;

describe('一稿多投 pages', () => {
  it('lists the suspect with its reasons, for organizers only', async () => {
    const page = await organizer.get(list());
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('一稿多投与相似主题');
    expect(page.body).toContain('本竞赛尚未查重，文字重复未计入');
    expect(page.body).toContain('<li>共同作者：张三（实验小学）</li>');
    expect(page.body).toContain('<li>相同视频：课堂实录.mp4（文件内容完全相同）</li>');
    expect(page.body).toContain(`href="${pair(idOf(TWIN_A), idOf(TWIN_B))}"`);
    expect(page.body).not.toContain('初中数学分数乘法教学');
    expect(page.body).toContain('aria-current="page">一稿多投与相似主题</a>');

    const expert = new Client(server.app);
    await expert.login('expert');
    expect((await expert.get(list())).statusCode).toBe(403);
  });

  it('opens both entries side by side, the shared video marked, in either order of ids', async () => {
    const [a, b] = [idOf(TWIN_A), idOf(TWIN_B)];
    for (const url of [pair(a, b), pair(b, a)]) {
      const page = await organizer.get(url);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('一稿多投嫌疑');
      expect(page.body.match(/<section class="panel suspect-side">/g)).toHaveLength(2);
      expect(page.body.indexOf('依托双师课堂的乡村英语绘本阅读实践探索')).toBeLessThan(
        page.body.indexOf('乡村英语绘本阅读双师课堂案例</h2>'),
      );
      expect(
        page.body.match(/课堂实录\.mp4<\/a> <span class="muted">[^<]+<\/span> <span class="badge kind">两件作品中相同<\/span>/g),
      ).toHaveLength(2);
      expect(page.body.match(/<article class="document" hx-ignore/g)).toHaveLength(2);
    }
    expect((await organizer.get(pair(a, 999_999))).statusCode).toBe(404);
  });

  it('refuses a decision without a reason, then withdraws the chosen entry and records it', async () => {
    const [a, b] = [idOf(TWIN_A), idOf(TWIN_B)];
    const refused = await organizer.post(`${pair(a, b)}/decision`, { decision: '撤回其一', withdraw: String(b), reason: '' }, pair(a, b));
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('请填写处理理由');
    // what was chosen stays chosen
    expect(refused.body).toContain(`value="${b}" checked`);

    const page = await organizer.get(pair(a, b));
    const done = await organizer.request({
      method: 'POST',
      url: `${pair(a, b)}/decision`,
      form: { decision: '撤回其一', withdraw: String(b), reason: '作者申请撤回', _csrf: csrfField(page.body) },
    });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(list());
    const status = (await server.db.selectFrom('entries').select('status').where('id', '=', b).executeTakeFirstOrThrow()).status;
    expect(status).toBe('withdrawn');

    const after = await organizer.get(list());
    expect(after.body).toContain('没有一稿多投或相似主题嫌疑');
    expect(after.body).toMatch(/<td>撤回其一（撤回 [^）]+）<\/td>\s*<td>作者申请撤回<\/td>\s*<td>测试organizer<\/td>/);
  });
});
