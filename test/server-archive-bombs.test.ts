import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContest } from '../src/contests/index.ts';
import { type Db, openMigratedDb } from '../src/db/connect.ts';
import { importPath } from '../src/ingest/import.ts';
import { LocalBlobStore } from '../src/storage/blobs.ts';
import { createUser } from '../src/users/accounts.ts';
import { makeDocx } from './helpers/docx.ts';
import { Browser, type Instance, peakRss, serve, until } from './helpers/instance.ts';
import { writeZip } from './helpers/zip.ts';

/**
 * Issue 15's done-when, against a real `casejury serve` process: bombs uploaded through the import
 * page are refused with a Chinese message naming the archive, the limit and the figure; the
 * server's peak memory stays under 400 MB; nothing of them is left in data/; the contest's pages
 * still answer.
 */

const RULES = 'rules/2024-platform-cases-teacher-training.yaml';
const PASSWORD = 'Pass-word-2024';
const MiB = 1024 ** 2;
/** The contest's allowance for this test: 50 MB, so an incompressible batch past it stays quick to build. */
const CONTEST_MAX_GB = 50 / 1024;

let work: string;
let data: string;
let db: Db;
let contestId: number;
let server: Instance;
const browser = new Browser();

const zeros = Buffer.alloc(MiB - 1);
/** Files of 1 MiB − 1 byte of zeros in the official layout: under the old 1 MiB ratio threshold, about 1 KB each packed. */
const zerosZip = (files: number, prefix = '') =>
  writeZip(
    Array.from({ length: files }, (_, i) => ({
      name: `${prefix}小学+第${i}小学+张${i}/区域研修应用案例/案例${i}/案例介绍.txt`,
      data: zeros,
      deflate: true,
      utf8Flag: true,
    })),
  );

const listing = (dir: string): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).map(String).sort() : []);

async function uploadAndWait(name: string, bytes: Buffer): Promise<string> {
  const page = await browser.fetch(`${server.url}/contests/${contestId}/imports`);
  const token = /"X-CSRF-Token": "([^"]+)"/.exec(page.body)?.[1] ?? '';
  const boundary = `----casejury${crypto.randomBytes(6).toString('hex')}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/zip\r\n\r\n`;
  const res = await browser.fetch(`${server.url}/contests/${contestId}/imports/upload`, {
    method: 'POST',
    body: Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'x-csrf-token': token, 'hx-request': 'true' },
  });
  expect(res.status, res.body).toBe(204);
  const jobUrl = `${server.url}${res.location}`;
  return until(
    `the import of ${name} to end`,
    async () => {
      const job = await browser.fetch(jobUrl);
      return /导入失败|问题清单|新导入作品/.test(job.body) ? job.body : null;
    },
    120_000,
  );
}

const failure = (page: string): string => /导入失败：([^<]*)</.exec(page)?.[1] ?? `(not refused) ${page.slice(0, 200)}`;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'casejury-bombs-'));
  data = path.join(work, 'data');
  const dbFile = path.join(data, 'casejury.db');
  fs.mkdirSync(data, { recursive: true });
  db = await openMigratedDb(dbFile);
  const organizer = await createUser(
    db,
    { username: 'organizer', displayName: '组织者', role: 'organizer', password: PASSWORD, mustChangePassword: false },
    null,
  );
  contestId = await createContest(db, { rulesYaml: fs.readFileSync(RULES, 'utf8'), rulesSource: path.basename(RULES), userId: organizer });
  // A contest with entries already, whose pages must keep answering.
  const batch = path.join(work, 'batch');
  for (let i = 1; i <= 3; i++) {
    const dir = path.join(batch, `小学+实验${i}小学+王${i}`, '区域研修应用案例', `平台应用案例${i}`);
    fs.mkdirSync(dir, { recursive: true });
    const doc = await makeDocx({
      title: `平台应用案例${i}`,
      sections: [{ heading: '一、背景', paragraphs: [`第${i}件作品的正文。`.repeat(30)] }],
    });
    fs.writeFileSync(path.join(dir, '案例介绍.docx'), doc);
  }
  const previous = process.env.CASEJURY_DATA;
  process.env.CASEJURY_DATA = data;
  try {
    expect((await importPath(db, contestId, batch, { blobs: new LocalBlobStore(path.join(data, 'files')) })).imported).toBe(3);
  } finally {
    if (previous === undefined) delete process.env.CASEJURY_DATA;
    else process.env.CASEJURY_DATA = previous;
  }

  server = await serve(
    {
      ...process.env,
      CASEJURY_DATA: data,
      CASEJURY_SESSION_KEY: crypto.randomBytes(32).toString('hex'),
      CASEJURY_CONTEST_MAX_GB: String(CONTEST_MAX_GB),
      LOG_LEVEL: 'error',
    },
    ['--db', dbFile],
  );
  const login = await browser.fetch(`${server.url}/login`);
  const token = /name="_csrf" value="([^"]+)"/.exec(login.body)?.[1] ?? '';
  expect(
    (await browser.fetch(`${server.url}/login`, { method: 'POST', form: { username: 'organizer', password: PASSWORD, _csrf: token } }))
      .status,
  ).toBe(303);
}, 120_000);

afterAll(async () => {
  server?.child.kill('SIGKILL');
  await server?.exited;
  await db?.destroy();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('archive bombs uploaded to a running server', () => {
  it('refuses them all, within 400 MB, leaving nothing in data/ and every page answering', async () => {
    const stored = listing(path.join(data, 'files'));
    const entries = async () => (await db.selectFrom('entries').select('id').where('contest_id', '=', contestId).execute()).length;

    // 1. The attack: a 1 MB zip of a thousand files of 1 MiB − 1 byte of zeros.
    const small = zerosZip(1000);
    expect(small.length).toBeLessThan(1.5 * MiB);
    expect(failure(await uploadAndWait('县级汇总.zip', small))).toMatch(
      /^压缩包「县级汇总\.zip」中「小学\+第0小学\+张0\/区域研修应用案例\/案例0\/案例介绍\.txt」的压缩比异常（\d+:1，上限 200:1），疑似压缩炸弹，已拒绝解压$/,
    );

    // 2. A nested bomb: a county's zip of teachers' packages, stored, every package a zip of zeros.
    const inner = zerosZip(200);
    const nested = writeZip(Array.from({ length: 5 }, (_, i) => ({ name: `小学+第${i}小学+张${i}.zip`, data: inner, utf8Flag: true })));
    expect(failure(await uploadAndWait('县级打包.zip', nested))).toMatch(
      /^压缩包「小学\+第0小学\+张0\.zip」中「.*案例介绍\.txt」的压缩比异常（\d+:1，上限 200:1），疑似压缩炸弹，已拒绝解压$/,
    );

    // 3. Sub-MiB files that do not compress, together past what is left of the contest's allowance.
    const big = writeZip(
      Array.from({ length: 80 }, (_, i) => ({
        name: `小学+第${i}小学+李${i}/区域研修应用案例/视频${i}/课堂实录.mp4`,
        data: crypto.randomBytes(768 * 1024),
        utf8Flag: true,
      })),
    );
    expect(failure(await uploadAndWait('视频汇总.zip', big))).toMatch(
      /^压缩包「视频汇总\.zip」解压后共 60 MB，超过本竞赛剩余的存储额度 [\d.]+ MB（每个竞赛上限 50 MB，已存 [\d.]+ KB），已拒绝解压$/,
    );

    const peak = await peakRss(server.child.pid ?? 0);
    expect(peak, `peak RSS ${(peak / MiB).toFixed(0)} MB`).toBeLessThan(400 * MiB);
    console.log(`archive bombs: server peak RSS ${(peak / MiB).toFixed(0)} MB`);

    expect(listing(path.join(data, 'tmp'))).toEqual([]);
    expect(listing(path.join(data, 'files'))).toEqual(stored);
    expect(await entries()).toBe(3);
    for (const page of ['', '/entries', '/imports', '/suspects', '/similarity', '/eligibility']) {
      const res = await browser.fetch(`${server.url}/contests/${contestId}${page}`);
      expect(res.status, page).toBe(200);
    }
    const list = await browser.fetch(`${server.url}/contests/${contestId}/entries`);
    expect(list.body).toContain('平台应用案例1');
  }, 300_000);
});
