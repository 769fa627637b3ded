import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { openMigratedDb, type Db } from '../src/db/connect.ts';
import type { Role } from '../src/db/schema.ts';
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
  for (const role of ['admin', 'organizer', 'expert'] as Role[]) {
    users[role] = await createUser(db, { username: role, displayName: `测试${role}`, role, password: PASSWORD, mustChangePassword: false }, null);
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

/** A browser stand-in: keeps the session cookie across requests, reads CSRF tokens from pages. */
export class Client {
  private cookies = new Map<string, string>();
  constructor(private readonly app: FastifyInstance) {}

  async request(opts: { method: string; url: string; form?: Record<string, string>; headers?: Record<string, string>; payload?: Buffer | string }): Promise<Response> {
    const headers: Record<string, string> = { ...opts.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let payload = opts.payload;
    if (opts.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams(opts.form).toString();
    }
    const res = await this.app.inject({ method: opts.method as 'GET', url: opts.url, headers, payload });
    // Raw Set-Cookie values, kept encoded exactly as a browser sends them back.
    const setCookies = ([] as string[]).concat((res.headers['set-cookie'] as string | string[] | undefined) ?? []);
    for (const line of setCookies) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now()));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { statusCode: res.statusCode, headers: res.headers, body: res.body };
  }

  get(url: string, headers?: Record<string, string>): Promise<Response> {
    return this.request({ method: 'GET', url, headers });
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

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (data: Buffer): number => {
  let c = 0xffffffff;
  for (const b of data) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};

/** A real .zip (deflate, UTF-8 names) as Windows and macOS tools write it. */
export function makeZip(files: { name: string; data: Buffer }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name, 'utf8');
    const packed = zlib.deflateRawSync(f.data);
    const crc = crc32(f.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(f.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(f.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const centralSize = centrals.reduce((s, b) => s + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}
