import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openMigratedDb } from '../src/db/connect.ts';
import { createUser } from '../src/users/accounts.ts';
import { createTestPgDatabase } from './helpers/db.ts';
import { Browser, csrf, type Instance, serve } from './helpers/instance.ts';

/**
 * Issue 15's done-when for sessions on PostgreSQL with two real `casejury serve` processes behind
 * one imagined load balancer: a cookie copied before logout, before a password change, or left idle
 * past the limit is sent to /login by either instance, whichever one the logout, change or sign-in
 * happened on.
 */

const pgAdmin = process.env.CASEJURY_TEST_PG;
if (!pgAdmin) console.warn('sessions-multi-instance.test.ts: CASEJURY_TEST_PG is not set, so the two-instance session test is skipped');

const PASSWORD = 'Pass-word-2024';
const IDLE_SECONDS = 3;

describe.skipIf(!pgAdmin)('sessions across two instances on PostgreSQL (needs CASEJURY_TEST_PG)', () => {
  let work: string;
  let database: { url: string; drop(): Promise<void> };
  let db: Db;
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'casejury-sessions-'));
    database = await createTestPgDatabase();
    db = await openMigratedDb(database.url);
    for (const username of ['zhang', 'li', 'wang']) {
      await createUser(db, { username, displayName: username, role: 'organizer', password: PASSWORD, mustChangePassword: false }, null);
    }
    const env = {
      ...process.env,
      DATABASE_URL: database.url,
      CASEJURY_DATA: path.join(work, 'data'),
      CASEJURY_SESSION_KEY: crypto.randomBytes(32).toString('hex'),
      CASEJURY_SESSION_IDLE_MINUTES: String(IDLE_SECONDS / 60),
      LOG_LEVEL: 'error',
    };
    [a, b] = await Promise.all([serve(env), serve(env)]);
  }, 120_000);

  afterAll(async () => {
    for (const i of [a, b]) i?.child.kill('SIGKILL');
    await Promise.all([a, b].map((i) => i?.exited));
    await db?.destroy();
    await database?.drop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  async function signIn(instance: Instance, username: string): Promise<Browser> {
    const browser = new Browser();
    const page = await browser.fetch(`${instance.url}/login`);
    const res = await browser.fetch(`${instance.url}/login`, {
      method: 'POST',
      form: { username, password: PASSWORD, _csrf: csrf(page.body) },
    });
    expect(res.status).toBe(303);
    return browser;
  }

  /** Where a replayed cookie gets: the page (200) or the login page. */
  const replay = async (browser: Browser, instance: Instance) => {
    const res = await browser.fetch(`${instance.url}/contests`);
    return res.status === 303 ? res.location : res.status;
  };
  const TO_LOGIN = '/login?next=%2Fcontests';

  it('after logout on the other instance', async () => {
    const browser = await signIn(a, 'zhang');
    const copy = browser.copy();
    expect(await replay(copy, b)).toBe(200);
    const page = await browser.fetch(`${b.url}/contests`);
    expect((await browser.fetch(`${b.url}/logout`, { method: 'POST', form: { _csrf: csrf(page.body) } })).status).toBe(303);
    expect(await replay(copy, a)).toBe(TO_LOGIN);
    expect(await replay(copy, b)).toBe(TO_LOGIN);
  });

  it('after a password change on the other instance', async () => {
    const first = await signIn(a, 'li');
    const second = await signIn(b, 'li');
    const form = await second.fetch(`${b.url}/password`);
    const changed = await second.fetch(`${b.url}/password`, {
      method: 'POST',
      form: { _csrf: csrf(form.body), current: PASSWORD, password: 'Changed-pass-9', confirm: 'Changed-pass-9' },
    });
    expect(changed.status).toBe(303);
    expect(await replay(first, a)).toBe(TO_LOGIN);
    expect(await replay(second, a)).toBe(200);
  });

  it('after the idle limit, signed in on one instance and replayed on the other', async () => {
    const browser = await signIn(a, 'wang');
    expect(await replay(browser, b)).toBe(200);
    await sleep((IDLE_SECONDS + 1.5) * 1000);
    expect(await replay(browser.copy(), b)).toBe(TO_LOGIN);
    expect(await replay(browser, a)).toBe(TO_LOGIN);
  }, 30_000);
});
