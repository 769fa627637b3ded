import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { openMigratedDb, type Db } from '../../src/db/connect.ts';
import { buildApp } from '../../src/server/app.ts';

/** A real server on 127.0.0.1 with its own data folder, and Debian's Chromium driving it. */

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = path.resolve('test-artifacts');

/** Browser tests are skipped only on a developer machine without Chromium; CI always runs them. */
export const skipBrowserTests = !fs.existsSync(CHROMIUM) && !process.env.CI;
if (skipBrowserTests) console.warn(`跳过浏览器测试：找不到 ${CHROMIUM}（apt-get install chromium fonts-wqy-microhei 后即可运行）`);

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface HarnessOptions {
  /** Names the temp folder and prefixes screenshots (`<name>-<shot>.png`). */
  name: string;
  viewport?: { width: number; height: number };
  acceptDownloads?: boolean;
  /** Runs before the database is opened here, e.g. CLI commands against `dbFile`. */
  prepare?: (dataDir: string, dbFile: string) => Promise<void>;
  /** Runs after the app is built and before it listens, e.g. seeding through `app.blobs`. */
  beforeListen?: (app: FastifyInstance, db: Db) => Promise<void>;
}

export interface Harness {
  dataDir: string;
  db: Db;
  app: FastifyInstance;
  browser: Browser;
  page: Page;
  base: string;
  /** Script errors and CSP violations seen by the page. */
  problems: string[];
  shot(name: string, fullPage?: boolean): Promise<Buffer>;
  /** Waits until an element matching `selector` contains `text` (htmx swaps and polling take a moment). */
  waitForText(selector: string, text: string, timeout?: number): Promise<void>;
  login(username: string, password: string): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `casejury-browser-${options.name}-`));
  const previousData = process.env.CASEJURY_DATA;
  process.env.CASEJURY_DATA = dataDir;
  const dbFile = path.join(dataDir, 'casejury.db');
  await options.prepare?.(dataDir, dbFile);
  const db = await openMigratedDb(dbFile);
  const app = await buildApp({ db, dataDir, sessionKey: crypto.randomBytes(32) });
  await options.beforeListen?.(app, db);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const page = await browser.newPage({
    viewport: options.viewport ?? { width: 1280, height: 860 },
    locale: 'zh-CN',
    acceptDownloads: options.acceptDownloads ?? false,
  });
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));

  return {
    dataDir,
    db,
    app,
    browser,
    page,
    base,
    problems,
    shot: (name, fullPage = true) => page.screenshot({ path: path.join(ARTIFACTS, `${options.name}-${name}.png`), fullPage }),
    waitForText: (selector, text, timeout = 10_000) => page.locator(selector, { hasText: text }).first().waitFor({ timeout }),
    async login(username, password) {
      await page.goto(`${base}/login`);
      await page.getByLabel('用户名').fill(username);
      await page.getByLabel('密码').fill(password);
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    },
    async close() {
      await browser.close();
      await app.close();
      await db.destroy();
      if (previousData === undefined) delete process.env.CASEJURY_DATA;
      else process.env.CASEJURY_DATA = previousData;
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
