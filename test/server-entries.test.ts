import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nowIso } from '../src/db/connect.ts';
import { createContest, contestCategories } from '../src/contests/index.ts';
import type { LocalBlobStore } from '../src/storage/blobs.ts';
import { Client, startTestServer, type TestServer } from './server-helpers.ts';

let server: TestServer;
let contestId: number;
let organizer: Client;
let xssEntryId: number;
let docFileId: number;

const RULES = 'rules/2024-platform-cases-teacher-training.yaml';
const SCHOOLS = ['实验小学', '第一中学', '城关初中'];
const GROUPS = ['小学', '初中', '高中'];

/** Entries as an import leaves them, written straight to the database. */
async function addEntry(i: number, categoryId: number | null, extra: { html?: string } = {}): Promise<{ entryId: number; fileId: number }> {
  const now = nowIso();
  const { id: entryId } = await server.db
    .insertInto('entries')
    .values({
      contest_id: contestId,
      category_id: categoryId,
      code: `A${String(i).padStart(3, '0')}`,
      title: i % 10 === 0 ? `“双减”背景下的作业设计研究 ${i}` : `信息技术支持的课堂教学案例 ${i}`,
      group_name: GROUPS[i % 3],
      status: i % 7 === 0 ? 'returned' : 'submitted',
      source_path: `${GROUPS[i % 3]}+${SCHOOLS[i % 3]}+教师${i}/案例${i}`,
      category_label: categoryId ? null : '未知项目',
      batch_id: null,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await server.db
    .insertInto('authors')
    .values({
      entry_id: entryId,
      position: 1,
      name: i === 42 ? '欧阳明月' : `教师${i}`,
      unit: SCHOOLS[i % 3],
      county: '城关区',
      title: null,
      phone: null,
      role: '主持人',
    })
    .execute();
  const content = Buffer.from(`作品 ${i} 的案例介绍`);
  const blob = await server.app.blobs.put(content);
  const { id: fileId } = await server.db
    .insertInto('files')
    .values({
      entry_id: entryId,
      original_path: `案例介绍 ${i}.docx`,
      name: `案例介绍 ${i}.docx`,
      kind: '案例介绍',
      ext: '.docx',
      size: blob.size,
      sha256: blob.sha256,
      mime: null,
      text: `作品 ${i}`,
      html: extra.html ?? `<h1>案例 ${i}</h1><p>基本情况</p>`,
      error: null,
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { entryId, fileId };
}

beforeAll(async () => {
  server = await startTestServer();
  contestId = await createContest(server.db, {
    rulesYaml: fs.readFileSync(RULES, 'utf8'),
    rulesSource: path.basename(RULES),
    userId: server.users.organizer,
  });
  const categories = await contestCategories(server.db, contestId);
  for (let i = 1; i <= 120; i++) await addEntry(i, i === 120 ? null : categories[i % categories.length].id);
  const xss = await addEntry(121, categories[0].id, {
    html:
      '<h1>案例</h1><p>正文</p><script>window.pwned = 1</script><img src="x" onerror="alert(1)">' +
      '<p onclick="alert(2)" hx-get="/logout" hx-trigger="load">点我</p><a href="javascript:alert(3)">链接</a>' +
      '<iframe src="https://evil.example"></iframe>',
  });
  xssEntryId = xss.entryId;
  docFileId = xss.fileId;
  organizer = new Client(server.app);
  await organizer.login('organizer');
});
afterAll(async () => {
  await server?.close();
});

const listUrl = (query = '') => `/contests/${contestId}/entries${query}`;
const codes = (html: string) => [...html.matchAll(/<td class="nowrap code">(A\d{3})<\/td>/g)].map((m) => m[1]);

describe('entries list', () => {
  it('pages through all entries, 50 a page, sorted by code', async () => {
    const first = await organizer.get(listUrl());
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('共 <strong>121</strong> 件作品');
    expect(codes(first.body)).toHaveLength(50);
    expect(codes(first.body)[0]).toBe('A001');
    const third = await organizer.get(listUrl('?page=3'));
    expect(codes(third.body)).toEqual(Array.from({ length: 21 }, (_, k) => `A${String(101 + k).padStart(3, '0')}`));
  });

  it('filters by group and status, and searches title, code and author', async () => {
    const returnedInPrimary = codes((await organizer.get(listUrl(`?group=${encodeURIComponent('初中')}&status=returned`))).body);
    // i % 3 === 1 → 初中, i % 7 === 0 → returned: 7, 28, 49, 70, 91, 112
    expect(returnedInPrimary).toEqual(['A007', 'A028', 'A049', 'A070', 'A091', 'A112']);
    const byTitle = codes((await organizer.get(listUrl(`?q=${encodeURIComponent('双减')}`))).body);
    expect(byTitle).toEqual(['A010', 'A020', 'A030', 'A040', 'A050', 'A060', 'A070', 'A080', 'A090', 'A100', 'A110', 'A120']);
    expect(codes((await organizer.get(listUrl('?q=a077'))).body)).toEqual(['A077']);
    expect(codes((await organizer.get(listUrl(`?q=${encodeURIComponent('欧阳')}`))).body)).toEqual(['A042']);
    expect(codes((await organizer.get(listUrl('?q=%25'))).body)).toEqual([]); // % is literal, not a wildcard
    expect(codes((await organizer.get(listUrl('?category=none'))).body)).toEqual(['A120']);
  });

  it('answers an htmx request with the fragment alone, the same content a reload shows', async () => {
    const full = await organizer.get(listUrl('?q=a077'));
    const fragment = await organizer.get(listUrl('?q=a077'), {
      'HX-Request': 'true',
      'HX-Target': 'div#entries-results',
      'HX-Request-Type': 'full',
    });
    expect(full.body).toContain('<html');
    expect(fragment.body).not.toContain('<html');
    expect(fragment.body).toContain('id="entries-results"');
    expect(full.body).toContain(fragment.body.trim());
    expect(fragment.headers.vary).toContain('HX-Request');
  });

  it('refuses malformed ids and unknown contests', async () => {
    expect((await organizer.get('/contests/abc/entries')).statusCode).toBe(400);
    expect((await organizer.get('/contests/9999/entries')).statusCode).toBe(404);
  });
});

describe('entry detail', () => {
  it('shows metadata, authors, files and the document', async () => {
    const entry = await server.db.selectFrom('entries').select('id').where('code', '=', 'A042').executeTakeFirstOrThrow();
    const page = await organizer.get(`/contests/${contestId}/entries/${entry.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('欧阳明月');
    expect(page.body).toContain('案例介绍 42.docx');
    expect(page.body).toContain('<h1>案例 42</h1>');
  });

  it('never renders document HTML executable: scripts, handlers, javascript: links and htmx attributes are gone', async () => {
    const page = await organizer.get(`/contests/${contestId}/entries/${xssEntryId}`);
    expect(page.statusCode).toBe(200);
    const doc = /<article class="document" hx-ignore[^>]*>([\s\S]*?)<\/article>/.exec(page.body)![1];
    expect(doc).toContain('<p>正文</p>');
    expect(doc).not.toMatch(/<script|onerror|onclick|javascript:|<iframe|hx-get|hx-trigger/i);
    expect(page.body).not.toContain('window.pwned');
  });

  it('returns 404 for an entry of another contest', async () => {
    const other = await createContest(server.db, {
      name: '另一竞赛',
      rulesYaml: fs.readFileSync(RULES, 'utf8'),
      rulesSource: path.basename(RULES),
      userId: server.users.organizer,
    });
    expect((await organizer.get(`/contests/${other}/entries/${xssEntryId}`)).statusCode).toBe(404);
    expect((await organizer.get(`/contests/${other}/files/${docFileId}/download`)).statusCode).toBe(404);
  });
});

describe('downloads', () => {
  it('sends the stored file as an attachment with its Chinese name', async () => {
    const res = await organizer.get(`/contests/${contestId}/files/${docFileId}/download`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('作品 121 的案例介绍');
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="____ 121.docx"; filename*=UTF-8''${encodeURIComponent('案例介绍 121.docx')}`,
    );
  });

  it('says so when the stored content is missing', async () => {
    const file = await server.db.selectFrom('files').select('sha256').where('id', '=', docFileId).executeTakeFirstOrThrow();
    const store = server.app.blobs as LocalBlobStore;
    const saved = fs.readFileSync(store.path(file.sha256));
    fs.rmSync(store.path(file.sha256));
    try {
      const res = await organizer.get(`/contests/${contestId}/files/${docFileId}/download`);
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain('存储内容不存在');
    } finally {
      fs.writeFileSync(store.path(file.sha256), saved);
    }
  });
});

describe('contests', () => {
  it('creates a contest from a rule file and shows it in the list and on its home page', async () => {
    const created = await organizer.post('/contests', { rules: path.basename(RULES), name: '2024年区级研修案例评选' }, '/contests/new');
    expect(created.statusCode).toBe(303);
    const home = await organizer.get(String(created.headers.location));
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('2024年区级研修案例评选');
    expect(home.body).toContain('还没有作品');
    const list = await organizer.get('/contests');
    expect(list.body).toContain('2024年区级研修案例评选');
    expect(list.body).toContain('121 件作品');
  });

  it('offers every rule file and refuses names not in the list', async () => {
    const form = await organizer.get('/contests/new');
    for (const f of fs.readdirSync('rules').filter((n) => n.endsWith('.yaml'))) expect(form.body).toContain(`value="${f}"`);
    const res = await organizer.post('/contests', { rules: '../package.json' }, '/contests/new');
    expect(res.statusCode).toBe(422);
  });
});
