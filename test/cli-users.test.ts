import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openMigratedDb } from '../src/db/connect.ts';
import { buildApp } from '../src/server/app.ts';
import { DEMO_PASSWORD } from '../scripts/demo.ts';
import { cli, cliJson } from './helpers/cli.ts';
import { Client } from './server-helpers.ts';

/**
 * Issue 15: accounts from the command line. `npm run demo` on an empty database creates the
 * administrator as `npm start` does; `casejury users create-admin` on the demo database gives an
 * administrator who can sign in; reset-password, list and disable work and are audited.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

let work: string;
let dbFile: string;
let demoOutput: string;
let db: Db;

/** A server on the demo database, as `npm start` would run it. */
async function server() {
  const app = await buildApp({ db, dataDir: path.join(work, 'data'), sessionKey: crypto.randomBytes(32), loginAttemptsPerMinute: 1000 });
  await app.ready();
  return app;
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'casejury-cli-users-'));
  dbFile = path.join(work, 'data', 'casejury.db');
  const env: NodeJS.ProcessEnv = { ...process.env, CASEJURY_DATA: path.join(work, 'data') };
  delete env.CASEJURY_ADMIN_PASSWORD;
  ({ stdout: demoOutput } = await run(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', '--db', dbFile, '--entries', '30'], {
    cwd: ROOT,
    env,
  }));
  db = await openMigratedDb(dbFile);
}, 180_000);

afterAll(async () => {
  await db?.destroy();
  fs.rmSync(work, { recursive: true, force: true });
});

const oneTimePassword = (output: string): string => {
  const m = /一次性密码：(\S+)/.exec(output);
  if (!m) throw new Error(`no one-time password in: ${output}`);
  return m[1];
};

describe('accounts from the command line', () => {
  it('npm run demo on an empty database creates the administrator first, with a one-time password printed once', async () => {
    expect(demoOutput).toContain('已创建管理员账号（只显示这一次，请妥善保存）');
    const app = await server();
    try {
      const admin = new Client(app);
      const login = await admin.login('admin', oneTimePassword(demoOutput));
      expect(login.headers.location).toBe('/password?next=%2F');
    } finally {
      await app.close();
    }
  });

  it('users create-admin on the demo database: the new administrator signs in, sets a password, sees the contests', async () => {
    const created = await cli('users', 'create-admin', '--username', 'boss', '--db', dbFile);
    expect(created.code).toBe(0);
    const password = oneTimePassword(created.stdout);
    const app = await server();
    try {
      const boss = new Client(app);
      expect((await boss.login('boss', password)).headers.location).toBe('/password?next=%2F');
      const changed = await boss.post(
        '/password',
        { current: password, password: 'Boss-pass-2024', confirm: 'Boss-pass-2024' },
        '/password',
      );
      expect(changed.statusCode).toBe(303);
      const contests = await boss.get('/contests');
      expect(contests.statusCode).toBe(200);
      expect(contests.body).toContain('演示：2024年智慧教育平台应用典型案例评选');
      expect((await boss.get('/users')).statusCode).toBe(200);
    } finally {
      await app.close();
    }
    // Taken names are refused; CASEJURY_ADMIN_PASSWORD is honoured and not printed.
    const again = await cli('users', 'create-admin', '--username', 'boss', '--db', dbFile);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('用户名“boss”已被使用');
    process.env.CASEJURY_ADMIN_PASSWORD = 'Given-admin-pass-1';
    try {
      const given = await cli('users', 'create-admin', '--username', 'deputy', '--db', dbFile);
      expect(given.stdout).toContain('密码取自环境变量 CASEJURY_ADMIN_PASSWORD');
      expect(given.stdout).not.toContain('Given-admin-pass-1');
    } finally {
      delete process.env.CASEJURY_ADMIN_PASSWORD;
    }
  });

  it('users reset-password ends the account’s sessions and gives a one-time password; disable stops sign-in; list shows both', async () => {
    const app = await server();
    try {
      const organizer = new Client(app);
      expect((await organizer.login('demo-organizer', DEMO_PASSWORD)).statusCode).toBe(303);
      expect((await organizer.get('/contests')).statusCode).toBe(200);
      const reset = await cli('users', 'reset-password', 'demo-organizer', '--db', dbFile);
      expect(reset.code).toBe(0);
      expect((await organizer.get('/contests')).headers.location).toBe('/login?next=%2Fcontests');
      expect((await new Client(app).login('demo-organizer', DEMO_PASSWORD)).statusCode).toBe(401);
      expect((await new Client(app).login('demo-organizer', oneTimePassword(reset.stdout))).headers.location).toBe('/password?next=%2F');

      expect((await cli('users', 'disable', 'demo-expert1', '--db', dbFile)).code).toBe(0);
      expect((await new Client(app).login('demo-expert1', DEMO_PASSWORD)).statusCode).toBe(403);
      expect((await cli('users', 'disable', 'nobody', '--db', dbFile)).stderr).toContain('找不到用户“nobody”');
    } finally {
      await app.close();
    }
    const list = await cliJson<{ username: string; role: string; state: string }[]>('users', 'list', '--db', dbFile);
    expect(list).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ username: 'boss', role: 'admin', state: 'active' }),
        expect.objectContaining({ username: 'demo-organizer', state: 'must-change-password' }),
        expect.objectContaining({ username: 'demo-expert1', state: 'disabled' }),
      ]),
    );
    const audited = await db
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'in', ['user.create', 'user.password_reset', 'user.disable'])
      .where('user_id', 'is', null)
      .execute();
    expect(new Set(audited.map((a) => a.action))).toEqual(new Set(['user.create', 'user.password_reset', 'user.disable']));
  });

  it('refuses to disable the last administrator', async () => {
    const solo = path.join(work, 'solo.db');
    expect((await cli('users', 'create-admin', '--db', solo)).code).toBe(0);
    const refused = await cli('users', 'disable', 'admin', '--db', solo);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('“admin”是唯一可用的系统管理员账号，不能停用');
  });
});
