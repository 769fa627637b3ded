import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../src/users/accounts.ts';
import { lockFor } from '../src/users/throttle.ts';
import { Client, csrfField, PASSWORD, startTestServer, type TestServer } from './server-helpers.ts';

/**
 * Issue 15: sessions that end. The cookie carries a token the database knows; a copy of the cookie
 * replayed after logout, after a password change, after the idle limit or the absolute lifetime,
 * after the account is disabled or the administrator's 全部退出, is sent to the login page. A user
 * and the administrator see the account's signed-in browsers. Login throttling per address and per
 * account, each lockout audited. (Two instances on PostgreSQL: sessions-multi-instance.test.ts.)
 */

let server: TestServer;
let seq = 0;

async function account(role: 'organizer' | 'expert' = 'organizer'): Promise<string> {
  const username = `u${++seq}-${role}`;
  await createUser(server.db, { username, displayName: username, role, password: PASSWORD, mustChangePassword: false }, null);
  return username;
}

async function signedIn(username: string, app = server.app, address = '127.0.0.1'): Promise<Client> {
  const c = new Client(app, address);
  expect((await c.login(username)).statusCode).toBe(303);
  return c;
}

/** What a replayed cookie gets: 303 to the login page, or the page. */
const replay = async (c: Client) => {
  const res = await c.get('/account');
  return res.statusCode === 303 ? String(res.headers.location) : res.statusCode;
};
const TO_LOGIN = '/login?next=%2Faccount';

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe('sessions end', () => {
  it('after logout: a copy of the cookie taken before is sent to the login page', async () => {
    const c = await signedIn(await account());
    const stolen = c.copy('10.0.0.9');
    expect(await replay(stolen)).toBe(200);
    expect((await c.post('/logout', {}, '/account')).statusCode).toBe(303);
    expect(await replay(stolen)).toBe(TO_LOGIN);
    expect(await replay(c)).toBe(TO_LOGIN);
  });

  it('after a password change: every other browser’s cookie, the changing browser keeps working', async () => {
    const name = await account();
    const a = await signedIn(name);
    const b = await signedIn(name);
    const copyOfA = a.copy();
    const res = await a.post('/password', { current: PASSWORD, password: 'Changed-pass-1', confirm: 'Changed-pass-1' }, '/password');
    expect(res.statusCode).toBe(303);
    expect(await replay(a)).toBe(200);
    expect(await replay(b)).toBe(TO_LOGIN);
    expect(await replay(copyOfA)).toBe(TO_LOGIN);
  });

  it('after the idle limit, while use keeps a session alive; and at its absolute lifetime however busy', async () => {
    const idle = await startTestServer({ sessionPolicy: { idleMs: 1500, lifetimeMs: 3600_000 } });
    const short = await startTestServer({ sessionPolicy: { idleMs: 3600_000, lifetimeMs: 2000 } });
    try {
      const busy = await signedIn('organizer', idle.app);
      const quiet = await signedIn('organizer', idle.app);
      const quietCopy = quiet.copy();
      for (let i = 0; i < 5; i++) {
        await sleep(500);
        expect(await replay(busy)).toBe(200);
      }
      expect(await replay(quietCopy)).toBe(TO_LOGIN);
      expect(await replay(quiet)).toBe(TO_LOGIN);

      const worker = await signedIn('organizer', short.app);
      for (let i = 0; i < 3; i++) {
        await sleep(500);
        expect(await replay(worker)).toBe(200);
      }
      await sleep(700);
      expect(await replay(worker)).toBe(TO_LOGIN);
    } finally {
      await idle.close();
      await short.close();
    }
  });

  it('when the administrator disables the account (which then cannot sign in) or signs it out everywhere', async () => {
    const admin = await signedIn('admin');
    const name = await account('expert');
    const id = (await server.db.selectFrom('users').select('id').where('username', '=', name).executeTakeFirstOrThrow()).id;
    const first = await signedIn(name);
    const second = await signedIn(name, server.app, '10.1.1.1');
    const page = await admin.get(`/users/${id}`);
    expect(page.body).toContain('正在登录的浏览器（2）');
    expect(page.body).toContain('10.1.1.1');
    expect((await admin.post(`/users/${id}/sessions/end`, {}, `/users/${id}`)).body).toContain('已退出该账号的全部 2 个登录');
    expect(await replay(first)).toBe(TO_LOGIN);
    expect(await replay(second)).toBe(TO_LOGIN);

    const again = await signedIn(name);
    expect((await admin.post(`/users/${id}/disable`, {}, `/users/${id}`)).body).toContain('账号已停用');
    expect(await replay(again)).toBe(TO_LOGIN);
    const refused = await new Client(server.app).login(name);
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('该账号已停用');
    await admin.post(`/users/${id}/enable`, {}, `/users/${id}`);
    expect((await new Client(server.app).login(name)).statusCode).toBe(303);

    const actions = await server.db
      .selectFrom('audit_log')
      .select('action')
      .where('subject_id', '=', String(id))
      .where('action', 'in', ['user.sessions_end', 'user.disable', 'user.enable'])
      .orderBy('id')
      .execute();
    expect(actions.map((a) => a.action)).toEqual(['user.sessions_end', 'user.disable', 'user.enable']);
  });

  it('shows users their own signed-in browsers and lets them end the others', async () => {
    const name = await account();
    const here = await signedIn(name);
    const there = await signedIn(name, server.app, '10.2.2.2');
    const page = await here.get('/account');
    expect(page.body).toContain('10.2.2.2');
    expect(page.body).toContain('（本机）');
    const ended = await here.request({ method: 'POST', url: '/account/sessions/others/end', form: { _csrf: csrfField(page.body) } });
    expect(ended.body).toContain('已退出其他 1 个登录');
    expect(await replay(there)).toBe(TO_LOGIN);
    expect(await replay(here)).toBe(200);
  });

  it('keeps no usable secret in the database: the cookie’s token is stored only as its hash', async () => {
    const c = await signedIn(await account());
    const cookie = c.copy();
    const rows = await server.db.selectFrom('sessions').select('token_hash').execute();
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash))).toBe(true);
    expect(await replay(cookie)).toBe(200);
  });
});

describe('login throttling', () => {
  it('locks an account after five failures in a row, for longer each time, up to half an hour', () => {
    expect([1, 4, 5, 6, 7, 10, 20].map((n) => lockFor(n) / 60_000)).toEqual([0, 0, 1, 2, 4, 30, 30]);
  });

  it('lets a correct password in from another address while one address is throttled', async () => {
    const limited = await startTestServer({ loginAttemptsPerMinute: 10 });
    try {
      const attacker = new Client(limited.app, '203.0.113.7');
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await attacker.login(`guess-${i}`, 'Wrong-pass-1')).statusCode);
      expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
      expect(statuses.slice(10)).toEqual([429, 429]);
      expect((await new Client(limited.app, '198.51.100.2').login('organizer')).statusCode).toBe(303);
      const audited = await limited.db
        .selectFrom('audit_log')
        .select(['subject_id'])
        .where('action', '=', 'auth.address_throttled')
        .execute();
      expect(audited).toEqual([{ subject_id: '203.0.113.7' }]);
    } finally {
      await limited.close();
    }
  });

  it('slows an attacker of one account down, from any address, while its owner’s browser still signs in', async () => {
    const name = await account();
    // The owner has signed in from this browser before.
    const owner = await signedIn(name, server.app, '192.0.2.10');
    await owner.post('/logout', {}, '/account');
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const from = new Client(server.app, `203.0.113.${i + 1}`);
      statuses.push((await from.login(name, `Wrong-pass-${i}`)).statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    // Even the right password is not tried from a browser the account has not used: the guesser cannot tell.
    const lucky = await new Client(server.app, '203.0.113.99').login(name);
    expect(lucky.statusCode).toBe(429);
    expect(lucky.body).toContain('该账号连续登录失败次数过多，已暂时锁定');
    expect((await owner.login(name)).statusCode).toBe(303);
    const locks = await server.db
      .selectFrom('audit_log')
      .select(['new_value', 'reason'])
      .where('action', '=', 'auth.account_locked')
      .execute();
    expect(locks).toHaveLength(1);
    expect(locks[0].reason).toBe('203.0.113.5');
    // The owner's success cleared the count: the next stranger starts from zero.
    expect((await new Client(server.app, '203.0.113.50').login(name, 'Wrong-pass-x')).statusCode).toBe(401);
  });
});
