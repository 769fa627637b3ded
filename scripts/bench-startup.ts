import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

/**
 * Start-up time of `casejury serve`: from spawning the process to the login page answering 200, for the built
 * JavaScript (`npm start`) against TypeScript through tsx (the development path), median of several runs each.
 * Usage: npm run bench:startup [-- --runs 5]
 */

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const root = path.resolve(import.meta.dirname, '..');

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function startOnce(args: string[]): Promise<{ toLogin: number; reported: number }> {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'casejury-startup-'));
  const t0 = performance.now();
  const child = spawn(process.execPath, [...args, 'serve', '--port', '0', '--json'], {
    cwd: root,
    env: { ...process.env, CASEJURY_DATA: data, CASEJURY_DB: path.join(data, 'casejury.db'), CASEJURY_ADMIN_PASSWORD: 'startup-bench-1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    let out = '';
    const started = await new Promise<{ url: string; startupMs: number }>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const end = out.indexOf('\n}');
        if (end >= 0) resolve(JSON.parse(out.slice(0, end + 2)));
      });
      child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
    const res = await fetch(`${started.url}/login`);
    if (res.status !== 200) throw new Error(`/login answered ${res.status}`);
    return { toLogin: performance.now() - t0, reported: started.startupMs };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(data, { recursive: true, force: true });
  }
}

const build = spawnSync(process.execPath, ['bin/casejury.js', '--help'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
if (build.status !== 0) throw new Error('building dist/ failed');

const variants: [string, string[]][] = [
  ['built JavaScript (node bin/casejury.js)', ['bin/casejury.js']],
  ['TypeScript through tsx (--import tsx src/cli/main.ts)', ['--import', 'tsx', 'src/cli/main.ts']],
];
const results: Record<string, number> = {};
for (const [name, args] of variants) {
  const times: number[] = [];
  const reported: number[] = [];
  await startOnce(args); // warm the file cache
  for (let i = 0; i < RUNS; i++) {
    const r = await startOnce(args);
    times.push(r.toLogin);
    reported.push(r.reported);
  }
  results[name] = median(times);
  console.log(
    `${name}: 登录页可访问 中位数 ${(median(times) / 1000).toFixed(2)} s（${times.map((t) => (t / 1000).toFixed(2)).join(' / ')}），` +
      `进程自报启动用时 中位数 ${(median(reported) / 1000).toFixed(2)} s`,
  );
}
const [built, tsx] = Object.values(results);
console.log(`编译后启动是 tsx 的 ${(built / tsx).toFixed(2)} 倍时间（${RUNS} 次中位数）`);
