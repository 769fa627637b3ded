#!/usr/bin/env node
// Runs the built CLI in dist/, building it first when src/ changed since the last build (or it was never built),
// so `npm start` and `npx casejury` always run current code as plain JavaScript. Development and tests use tsx.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const built = path.join(root, 'dist', 'cli', 'main.js');
const stamp = path.join(root, 'dist', '.tsbuildinfo');

function newestSource(dir) {
  let newest = 0;
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, d.name);
    newest = Math.max(newest, d.isDirectory() ? newestSource(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

function isStale() {
  if (!fs.existsSync(built) || !fs.existsSync(stamp)) return true;
  const sources = Math.max(newestSource(path.join(root, 'src')), fs.statSync(path.join(root, 'tsconfig.build.json')).mtimeMs);
  return sources > fs.statSync(stamp).mtimeMs;
}

function build() {
  let tsc;
  try {
    tsc = path.join(path.dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
  } catch {
    return false; // an install without devDependencies runs the dist/ it shipped with
  }
  const started = Date.now();
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (result.status !== 0) {
    // tsc emits and writes its build info even when it fails: dated as old, dist/ is built (and refused) again
    // next time instead of running what the failed build emitted.
    if (fs.existsSync(stamp)) fs.utimesSync(stamp, new Date(0), new Date(0));
    console.error('错误：编译 src/ 失败（npm run build），见上方信息');
    process.exit(1);
  }
  // tsc leaves the build info untouched when nothing changed; touching it records that dist/ matches src/ now.
  const now = new Date();
  fs.utimesSync(stamp, now, now);
  console.error(`已编译到 dist/（${((Date.now() - started) / 1000).toFixed(1)} s）`);
  return true;
}

if (isStale() && !build() && !fs.existsSync(built)) {
  console.error('错误：没有编译好的 dist/，也找不到 TypeScript 编译器；请先运行 npm install（含开发依赖）再运行 npm run build');
  process.exit(1);
}
const { runCli } = await import(pathToFileURL(built).href);
process.exitCode = await runCli(process.argv.slice(2));
