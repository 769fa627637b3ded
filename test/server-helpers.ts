import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { openMigratedDb, type Db } from '../src/db/connect.ts';
import { buildApp, type AppOptions } from '../src/server/app.ts';
import { createUser } from '../src/users/accounts.ts';

export const PASSWORD = 'Pass-word-2024';

export interface TestServer {
  app: FastifyInstance;
  db: Db;
  dataDir: string;
  users: Record<'admin' | 'organizer' | 'expert', number>;
  close(): Promise<void>;
}

/**
 * A real app on a temp SQLite file with one user per role (password PASSWORD, no forced change).
 * Many tests log in from the same address, so the login rate limit is lifted unless a test sets it.
 */
export async function startTestServer(extra: Partial<AppOptions> = {}): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'casejury-server-'));
  const db = await openMigratedDb(path.join(dataDir, 'casejury.db'));
  const users = {} as TestServer['users'];
  for (const role of ['admin', 'organizer', 'expert'] as const) {
    users[role] = await createUser(
      db,
      { username: role, displayName: `测试${role}`, role, password: PASSWORD, mustChangePassword: false },
      null,
    );
  }
  const app = await buildApp({ db, dataDir, sessionKey: crypto.randomBytes(32), loginAttemptsPerMinute: 10_000, ...extra });
  await app.ready();
  return {
    app,
    db,
    dataDir,
    users,
    async close() {
      await app.close();
      await db.destroy();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Response {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}

/** The `_csrf` hidden field of the first form in a page. */
export function csrfField(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no _csrf field in page');
  return m[1];
}

/** The page's htmx CSRF header token (its hx-headers), as an upload form sends it. */
export function headerToken(html: string): string {
  const m = /"X-CSRF-Token": "([^"]+)"/.exec(html);
  if (!m) throw new Error('no X-CSRF-Token header in page');
  return m[1];
}

/** A multipart/form-data body with one file part named `file`, after any plain `fields`. */
export function multipart(fileName: string, data: Buffer, fields: Record<string, string> = {}): { payload: Buffer; contentType: string } {
  const boundary = `----casejury${crypto.randomBytes(8).toString('hex')}`;
  const parts = Object.entries(fields).map(([k, v]) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`),
  );
  const head =
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\n` +
    'Content-Type: application/octet-stream\r\n\r\n';
  return {
    payload: Buffer.concat([...parts, Buffer.from(head), data, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

/** A browser stand-in: keeps the session cookie across requests, reads CSRF tokens from pages. */
export class Client {
  private cookies = new Map<string, string>();
  /** `remoteAddress`: the address the server sees the requests come from. */
  constructor(
    private readonly app: FastifyInstance,
    private readonly remoteAddress = '127.0.0.1',
  ) {}

  /** Another browser holding a copy of this one's cookies (a copied or stolen session cookie). */
  copy(remoteAddress = this.remoteAddress): Client {
    const other = new Client(this.app, remoteAddress);
    for (const [k, v] of this.cookies) other.cookies.set(k, v);
    return other;
  }

  /** A cookie as the browser holds it (encoded). */
  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** Sets a cookie as a forger would. */
  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  async request(opts: {
    method: string;
    url: string;
    form?: Record<string, string>;
    headers?: Record<string, string>;
    payload?: Buffer | string;
  }): Promise<Response> {
    const headers: Record<string, string> = { ...opts.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let payload = opts.payload;
    if (opts.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams(opts.form).toString();
    }
    const res = await this.app.inject({ method: opts.method as 'GET', url: opts.url, headers, payload, remoteAddress: this.remoteAddress });
    // Raw Set-Cookie values, kept encoded exactly as a browser sends them back.
    const setCookies = ([] as string[]).concat((res.headers['set-cookie'] as string | string[] | undefined) ?? []);
    for (const line of setCookies) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some(
        (a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now()),
      );
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { statusCode: res.statusCode, headers: res.headers, body: res.body };
  }

  get(url: string, headers?: Record<string, string>): Promise<Response> {
    return this.request({ method: 'GET', url, headers });
  }

  /** A file download as bytes (request() keeps bodies as text, which would mangle a workbook). */
  async download(url: string): Promise<{ statusCode: number; headers: Response['headers']; bytes: Buffer }> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await this.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
    return { statusCode: res.statusCode, headers: res.headers, bytes: res.rawPayload };
  }

  /** Posts a form with the CSRF token read from `tokenPage` (a page that has a form). */
  async post(url: string, form: Record<string, string>, tokenPage = url): Promise<Response> {
    const page = await this.get(tokenPage);
    return this.request({ method: 'POST', url, form: { ...form, _csrf: csrfField(page.body) } });
  }

  async login(username: string, password = PASSWORD): Promise<Response> {
    return this.post('/login', { username, password }, '/login');
  }
}

export { makeZip } from './helpers/zip.ts';
