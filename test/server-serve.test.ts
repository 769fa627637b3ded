import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.ts';

const started: ChildProcess[] = [];

/** Runs `casejury serve --port 0` as a user would, until it prints its address. */
function serve(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 60_000);
    child.stdout!.on('data', () => {
      const m = /已启动：(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m && out.includes('Ctrl+C')) {
        clearTimeout(timer);
        resolve({ child, url: m[1], output: () => out });
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
}

const stop = (child: ChildProcess) =>
  new Promise<number | string | null>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal));
    child.kill('SIGTERM');
  });

afterEach(() => {
  for (const c of started.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('casejury serve', () => {
  it('on first start creates the data folder and an administrator whose password is printed once', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'casejury-serve-'));
    const env = {
      CASEJURY_DATA: path.join(root, 'data'),
      CASEJURY_DB: path.join(root, 'data', 'casejury.db'),
      CASEJURY_ADMIN_PASSWORD: '',
    };
    try {
      const first = await serve(env);
      const password = /一次性密码：(\S+)/.exec(first.output())![1];
      expect(password).toMatch(/^[A-Za-z2-9]{16}$/);
      const login = await fetch(`${first.url}/login`);
      expect(login.status).toBe(200);
      expect(await login.text()).toContain('登录');
      expect(await stop(first.child)).toBe(0);
      expect(fs.statSync(path.join(root, 'data', 'session.key')).mode & 0o777).toBe(0o600);

      const second = await serve(env);
      expect(second.output()).not.toContain('一次性密码');
      expect(await stop(second.child)).toBe(0);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('takes the first password from CASEJURY_ADMIN_PASSWORD without printing it', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'casejury-serve-'));
    try {
      const s = await serve({
        CASEJURY_DATA: path.join(root, 'data'),
        CASEJURY_DB: path.join(root, 'data', 'casejury.db'),
        CASEJURY_ADMIN_PASSWORD: 'Given-admin-pass1',
      });
      expect(s.output()).toContain('密码取自环境变量 CASEJURY_ADMIN_PASSWORD');
      expect(s.output()).not.toContain('Given-admin-pass1');
      expect(await stop(s.child)).toBe(0);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('refuses a malformed port with a usage error', async () => {
    expect(await runCli(['serve', '--port', 'abc'])).toBe(2);
  });
});
