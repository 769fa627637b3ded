import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.ts';

const started: ChildProcess[] = [];

const FROM_SOURCE = ['--import', 'tsx', 'src/cli/main.ts'];

/** Runs `casejury serve --port 0` as a user would, until it prints its address. */
function serve(
  env: Record<string, string>,
  entry: string[] = FROM_SOURCE,
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [...entry, 'serve', '--port', '0'], {
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
  it('npm start runs the built JavaScript in dist/, built from the current src/', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'casejury-serve-'));
    const env = { CASEJURY_DATA: root, CASEJURY_DB: path.join(root, 'casejury.db'), CASEJURY_ADMIN_PASSWORD: 'built-js-12345' };
    try {
      const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
      expect(pkg.scripts.start).toBe('node bin/casejury.js serve');
      const server = await serve(env, ['bin/casejury.js']);
      expect(server.output()).toMatch(/启动用时 \d+\.\d s/);
      const login = await fetch(`${server.url}/login`);
      expect(login.status).toBe(200);
      expect(await login.text()).toContain('登录');
      expect(await stop(server.child)).toBe(0);
      // dist/ is at least as new as every source file: what ran was today's code, compiled.
      const newest = (dir: string): number =>
        Math.max(
          ...fs.readdirSync(dir, { withFileTypes: true }).map((d) => {
            const p = path.join(dir, d.name);
            return d.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs;
          }),
        );
      expect(fs.statSync('dist/.tsbuildinfo').mtimeMs).toBeGreaterThanOrEqual(newest('src'));
      expect(fs.existsSync('dist/server/app.js')).toBe(true);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('refuses to run after a failed build, every time, instead of running what the failed build emitted', () => {
    const cli = (cwd: string) => spawnSync(process.execPath, ['bin/casejury.js', '--help'], { cwd, encoding: 'utf8' });
    expect(cli('.').status).toBe(0); // dist/ current, to start the copy's build from
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'casejury-build-'));
    try {
      for (const p of ['bin', 'src', 'dist', 'package.json', 'tsconfig.json', 'tsconfig.build.json'])
        fs.cpSync(p, path.join(root, p), { recursive: true, preserveTimestamps: true });
      fs.symlinkSync(path.resolve('node_modules'), path.join(root, 'node_modules'));
      fs.appendFileSync(path.join(root, 'src/cli/main.ts'), "\nexport const typeError: number = 'not a number';\n");
      for (const run of [1, 2]) {
        const { status, stderr } = cli(root);
        expect({ run, status, refused: stderr.includes('错误：编译 src/ 失败') }).toEqual({ run, status: 1, refused: true });
      }
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

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
