import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

/** Real `casejury serve` processes for tests, and a browser's cookie jar over fetch to talk to them. */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Instance {
  child: ChildProcess;
  url: string;
  exited: Promise<void>;
}

/** `casejury serve` in a process of its own (node with tsx's loader, so the pid is the server's). */
export function serve(env: NodeJS.ProcessEnv, args: string[] = []): Promise<Instance> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--json', ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let out = '';
  let err = '';
  child.stderr?.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d) => {
      out += d;
      const url = /"url": "([^"]+)"/.exec(out)?.[1];
      if (url) resolve({ child, url, exited });
    });
    child.once('exit', (code) => reject(new Error(`casejury serve exited with ${code}: ${err}`)));
  });
}

export interface FetchResult {
  status: number;
  location: string | null;
  body: string;
}

/** A browser's cookie jar over fetch, usable against any instance. */
export class Browser {
  private readonly cookies = new Map<string, string>();

  async fetch(
    url: string,
    init: { method?: string; form?: Record<string, string>; body?: Buffer; headers?: Record<string, string> } = {},
  ): Promise<FetchResult> {
    const headers: Record<string, string> = { cookie: this.cookieHeader(), ...init.headers };
    if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      headers,
      body: init.form ? new URLSearchParams(init.form) : init.body && new Uint8Array(init.body),
      redirect: 'manual',
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return { status: res.status, location: res.headers.get('location') ?? res.headers.get('hx-redirect'), body: await res.text() };
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** Another browser holding a copy of this one's cookies (a stolen or copied cookie). */
  copy(): Browser {
    const other = new Browser();
    for (const [k, v] of this.cookies) other.cookies.set(k, v);
    return other;
  }
}

/** The `_csrf` hidden field of the first form in a page. */
export const csrf = (html: string): string => {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no _csrf field in page');
  return m[1];
};

export async function until<T>(what: string, check: () => Promise<T | undefined | null | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** Peak resident memory of a process so far (Linux /proc), in bytes. */
export async function peakRss(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  if (!kb) throw new Error(`no VmHWM for process ${pid}`);
  return Number(kb) * 1024;
}
