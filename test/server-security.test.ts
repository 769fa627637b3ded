import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/server/app.ts';
import { createUser } from '../src/users/accounts.ts';
import { loadSessionKey } from '../src/server/session-key.ts';
import { Client, csrfField, PASSWORD, startTestServer, type TestServer } from './server-helpers.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe('login', () => {
  it('sends anonymous visitors to the login page, remembering where they were going', async () => {
    const res = await new Client(server.app).get('/contests');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Fcontests');
  });

  it('answers anonymous htmx requests with 401 and an HX-Redirect to the login page', async () => {
    const res = await new Client(server.app).get('/contests/1/entries', { 'HX-Request': 'true' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['hx-redirect']).toBe('/login?next=%2Fcontests%2F1%2Fentries');
  });

  it('refuses a wrong password and an unknown user with the same message', async () => {
    const c = new Client(server.app);
    for (const [username, password] of [
      ['organizer', 'wrong-password-1'],
      ['nobody', PASSWORD],
    ]) {
      const res = await c.login(username, password);
      expect(res.statusCode).toBe(401);
      expect(res.body).toContain('用户名或密码不正确');
    }
    expect((await c.get('/contests')).statusCode).toBe(303);
  });

  it('signs in with the right password and sets an httpOnly, SameSite=Lax session cookie', async () => {
    const c = new Client(server.app);
    const res = await c.login('organizer');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/casejury_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const page = await c.get('/contests');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('竞赛列表');
  });

  it('reads a session cookie whose token or signature was altered as nobody signed in', async () => {
    const c = new Client(server.app);
    await c.login('organizer');
    expect((await c.get('/contests')).statusCode).toBe(200);
    const cookie = c.cookie('casejury_session');
    expect(cookie).toMatch(/\./);
    const [token, signature] = decodeURIComponent(cookie ?? '').split('.');
    for (const forged of [`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}.${signature}`, token]) {
      const other = new Client(server.app);
      other.setCookie('casejury_session', encodeURIComponent(forged));
      expect((await other.get('/contests')).statusCode).toBe(303);
    }
  });

  it('never redirects to another site after login', async () => {
    const c = new Client(server.app);
    const page = await c.get('/login');
    const res = await c.request({
      method: 'POST',
      url: '/login',
      form: { username: 'organizer', password: PASSWORD, next: '//evil.example/x', _csrf: csrfField(page.body) },
    });
    expect(res.headers.location).toBe('/');
  });

  it('logs out', async () => {
    const c = new Client(server.app);
    await c.login('organizer');
    expect((await c.post('/logout', {}, '/contests')).statusCode).toBe(303);
    expect((await c.get('/contests')).statusCode).toBe(303);
  });
});

describe('CSRF', () => {
  it('refuses a login form without a token or with a forged one (403)', async () => {
    const c = new Client(server.app);
    await c.get('/login'); // the session now holds a CSRF secret
    const missing = await c.request({ method: 'POST', url: '/login', form: { username: 'organizer', password: PASSWORD } });
    expect(missing.statusCode).toBe(403);
    const forged = await c.request({
      method: 'POST',
      url: '/login',
      form: { username: 'organizer', password: PASSWORD, _csrf: 'forged-token' },
    });
    expect(forged.statusCode).toBe(403);
    expect(forged.body).toContain('请刷新页面后重试');
  });

  it('refuses a signed-in user’s state change without a token, and accepts the header token htmx sends', async () => {
    const c = new Client(server.app);
    await c.login('organizer');
    const noToken = await c.request({ method: 'POST', url: '/contests', form: { rules: 'x.yaml' } });
    expect(noToken.statusCode).toBe(403);
    const page = await c.get('/contests/new');
    const token = /"X-CSRF-Token": "([^"]+)"/.exec(page.body)![1];
    const viaHeader = await c.request({
      method: 'POST',
      url: '/contests',
      form: { rules: 'no-such.yaml' },
      headers: { 'X-CSRF-Token': token },
    });
    expect(viaHeader.statusCode).toBe(422); // past CSRF, refused by validation
    expect(viaHeader.body).toContain('请选择一个规则文件');
  });

  it('does not accept a token from another session', async () => {
    const a = new Client(server.app);
    const b = new Client(server.app);
    await a.login('organizer');
    await b.login('organizer');
    const tokenOfA = csrfField((await a.get('/contests/new')).body);
    await b.get('/contests/new');
    const res = await b.request({ method: 'POST', url: '/contests', form: { rules: 'x.yaml', _csrf: tokenOfA } });
    expect(res.statusCode).toBe(403);
  });
});

describe('roles', () => {
  it('gives an expert 403 on organizer pages and admin pages', async () => {
    const c = new Client(server.app);
    await c.login('expert');
    for (const url of [
      '/contests',
      '/contests/new',
      '/contests/1',
      '/contests/1/entries',
      '/contests/1/imports',
      '/contests/1/files/1/download',
      '/users',
    ]) {
      const res = await c.get(url);
      expect(res.statusCode, url).toBe(403);
      expect(res.body).toContain('没有访问此页面的权限');
    }
    const home = await c.get('/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('我的评审');
  });

  it('keeps user management to administrators', async () => {
    const organizer = new Client(server.app);
    await organizer.login('organizer');
    expect((await organizer.get('/users')).statusCode).toBe(403);
    const admin = new Client(server.app);
    await admin.login('admin');
    const page = await admin.get('/users');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('用户管理');
  });

  it('lets an admin create an organizer whose one-time password must be changed at first login', async () => {
    const admin = new Client(server.app);
    await admin.login('admin');
    const created = await admin.post(
      '/users',
      { username: 'zhang', display_name: '张老师', role: 'organizer', unit: '实验小学' },
      '/users',
    );
    expect(created.statusCode).toBe(200);
    const oneTime = /class="secret">([^<]+)</.exec(created.body)![1];

    const zhang = new Client(server.app);
    const login = await zhang.login('zhang', oneTime);
    expect(login.headers.location).toBe('/password?next=%2F');
    // Every other page waits until the password is changed.
    expect((await zhang.get('/contests')).headers.location).toBe('/password?next=%2Fcontests');
    const weak = await zhang.post('/password', { current: oneTime, password: '12345678', confirm: '12345678' }, '/password');
    expect(weak.statusCode).toBe(422);
    expect(weak.body).toContain('不能只由数字或只由字母组成');
    const ok = await zhang.post(
      '/password',
      { current: oneTime, password: 'New-pass-2024', confirm: 'New-pass-2024', next: '/contests' },
      '/password',
    );
    expect(ok.headers.location).toBe('/contests');
    expect((await zhang.get('/contests')).statusCode).toBe(200);
  });

  it('ends other sessions of a user who changes the password', async () => {
    await createUser(
      server.db,
      { username: 'li', displayName: '李老师', role: 'organizer', password: PASSWORD, mustChangePassword: false },
      null,
    );
    const first = new Client(server.app);
    const second = new Client(server.app);
    await first.login('li');
    await second.login('li');
    await first.post('/password', { current: PASSWORD, password: 'Another-pass-9', confirm: 'Another-pass-9' }, '/password');
    expect((await first.get('/contests')).statusCode).toBe(200);
    expect((await second.get('/contests')).statusCode).toBe(303);
  });
});

describe('headers and assets', () => {
  it('sends a CSP that allows only our own scripts and styles, and pages have no inline script', async () => {
    const res = await new Client(server.app).get('/login');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const scripts = res.body.match(/<script[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toMatch(/ src="\/static\//);
  });

  it('serves htmx from node_modules and nothing else from there', async () => {
    const c = new Client(server.app);
    const htmx = await c.get('/static/htmx/htmx.min.js');
    expect(htmx.statusCode).toBe(200);
    expect(htmx.body).toContain('htmx');
    expect((await c.get('/static/htmx/htmx.js')).statusCode).toBe(404);
    expect((await c.get('/static/htmx/../package.json')).statusCode).toBe(404);
    expect((await c.get('/static/app.css')).statusCode).toBe(200);
  });

  it('shows a Chinese 404 page for unknown addresses', async () => {
    const res = await new Client(server.app).get('/no-such-page');
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('页面不存在');
  });

  it('refuses to start when a route declares no access rule', async () => {
    const app = await buildApp({ db: server.db, dataDir: server.dataDir, sessionKey: crypto.randomBytes(32) });
    app.get('/forgotten', async () => 'open');
    await expect(app.ready()).rejects.toThrow(/GET \/forgotten/);
    await app.close().catch(() => {});
  });
});

describe('login rate limit', () => {
  it('answers 429 after the allowed attempts a minute from one address', async () => {
    const limited = await startTestServer({ loginAttemptsPerMinute: 10 });
    try {
      const c = new Client(limited.app);
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) statuses.push((await c.login(`nobody-${i}`, `wrong-${i}-password`)).statusCode);
      expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
      expect(statuses[10]).toBe(429);
    } finally {
      await limited.close();
    }
  });
});

describe('session key and cookie flags', () => {
  it('generates the key file once with mode 0600 and reuses it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casejury-key-'));
    try {
      const first = loadSessionKey(dir, {});
      expect(first).toHaveLength(32);
      expect(fs.statSync(path.join(dir, 'session.key')).mode & 0o777).toBe(0o600);
      expect(loadSessionKey(dir, {}).equals(first)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes CASEJURY_SESSION_KEY as hex or base64 and names it when it is malformed', () => {
    const key = crypto.randomBytes(32);
    expect(loadSessionKey('/nonexistent', { CASEJURY_SESSION_KEY: key.toString('hex') }).equals(key)).toBe(true);
    expect(loadSessionKey('/nonexistent', { CASEJURY_SESSION_KEY: key.toString('base64') }).equals(key)).toBe(true);
    expect(() => loadSessionKey('/nonexistent', { CASEJURY_SESSION_KEY: 'short' })).toThrow(/CASEJURY_SESSION_KEY/);
  });

  it('marks the cookie Secure when the request came over HTTPS through a trusted proxy', async () => {
    const proxied = await startTestServer({ trustProxy: true });
    try {
      const https = await new Client(proxied.app).get('/login', { 'X-Forwarded-Proto': 'https' });
      expect(String(https.headers['set-cookie'])).toMatch(/; Secure/);
      const http = await new Client(proxied.app).get('/login');
      expect(String(http.headers['set-cookie'])).not.toMatch(/; Secure/);
    } finally {
      await proxied.close();
    }
  });
});
