import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

/**
 * What a newcomer pays at install: `npm ci` on a clean clone of the committed tree with an empty npm cache
 * (every package downloaded from the registry, every native addon built), and the size of node_modules.
 * Targets (issue 12): npm ci ≤ 3 min, node_modules ≤ 400 MB on a 2-core machine.
 * Usage: npm run bench:install [-- --warm]   (--warm reuses the machine's npm cache instead)
 */

const root = path.resolve(import.meta.dirname, '..');
const warm = process.argv.includes('--warm');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'casejury-install-'));
const clone = path.join(scratch, 'casejury');
const cache = path.join(scratch, 'npm-cache');

function sizeOf(dir: string): number {
  let total = 0;
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) total += sizeOf(p);
    else if (d.isFile()) total += fs.statSync(p).size;
  }
  return total;
}

try {
  execFileSync('git', ['clone', '--quiet', root, clone]);
  const args = ['ci', '--no-audit', '--no-fund', ...(warm ? [] : ['--cache', cache])];
  const t0 = performance.now();
  const result = spawnSync('npm', args, { cwd: clone, stdio: ['ignore', 'ignore', 'inherit'] });
  const seconds = (performance.now() - t0) / 1000;
  if (result.status !== 0) throw new Error(`npm ci failed with exit code ${result.status}`);
  const mb = sizeOf(path.join(clone, 'node_modules')) / 1e6;
  const biggest = fs
    .readdirSync(path.join(clone, 'node_modules'))
    .flatMap((name) =>
      name.startsWith('@')
        ? fs.readdirSync(path.join(clone, 'node_modules', name)).map((n) => `${name}/${n}`)
        : name.startsWith('.')
          ? []
          : [name],
    )
    .map((name) => ({ name, mb: sizeOf(path.join(clone, 'node_modules', name)) / 1e6 }))
    .sort((a, b) => b.mb - a.mb)
    .slice(0, 8);
  console.log(`npm ci（${warm ? '已有 npm 缓存' : '空 npm 缓存'}）：${seconds.toFixed(0)} s（目标 ≤ 180 s）`);
  console.log(`node_modules：${mb.toFixed(0)} MB（目标 ≤ 400 MB）`);
  console.log(`最大的包：${biggest.map((b) => `${b.name} ${b.mb.toFixed(0)} MB`).join('，')}`);
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
