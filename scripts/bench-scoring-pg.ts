/**
 * The scoring load benchmark (scripts/bench-scoring.ts) run twice — on SQLite with one server process (the
 * default deployment) and on PostgreSQL with two server processes sharing the database, the data folder and
 * the session key (a deployment behind a load balancer) — then both sets of figures side by side.
 *
 *   npx tsx scripts/bench-scoring-pg.ts [--pg postgres://…] [--instances 2] [-- options for both runs, e.g. --seconds 30]
 *
 * --pg (default CASEJURY_TEST_PG, then DATABASE_URL) names a server on which a scratch database is created
 * for the run and dropped afterwards.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createScratchPgDatabase } from '../test/helpers/db.ts';
import type { PhaseFigures } from './bench-scoring.ts';

interface BenchResult {
  database: string;
  instances: number;
  experts: number;
  phases: PhaseFigures[];
  acknowledged: number;
  lost: number;
}

const { values, positionals: passThrough } = parseArgs({
  options: { pg: { type: 'string' }, instances: { type: 'string', default: '2' } },
  allowPositionals: true,
});
const pgAdmin = values.pg ?? process.env.CASEJURY_TEST_PG ?? process.env.DATABASE_URL;
if (!pgAdmin?.startsWith('postgres')) {
  console.error('需要 PostgreSQL：用 --pg postgres://用户:密码@主机:5432/postgres 指定（或设置 CASEJURY_TEST_PG）');
  process.exit(2);
}

const bench = fileURLToPath(new URL('./bench-scoring.ts', import.meta.url));

function runBench(args: string[]): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', bench, ...args, ...passThrough], { stdio: 'inherit' });
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bench-scoring.ts 退出码 ${code}`)))),
  );
}

const work = await fs.mkdtemp(path.join(os.tmpdir(), 'casejury-bench-scoring-pg-'));
const scratch = await createScratchPgDatabase(pgAdmin);
const results: BenchResult[] = [];
try {
  const runs = [
    { title: 'SQLite，1 个服务实例', args: [] },
    { title: `PostgreSQL，${values.instances} 个服务实例`, args: ['--db', scratch.url, '--instances', values.instances] },
  ];
  for (const [i, run] of runs.entries()) {
    console.log(`\n======== ${run.title} ========`);
    const file = path.join(work, `result-${i}.json`);
    await runBench([...run.args, '--result', file]);
    results.push(JSON.parse(await fs.readFile(file, 'utf8')) as BenchResult);
  }
} finally {
  await scratch.drop();
  await fs.rm(work, { recursive: true, force: true });
}

// Side by side: one column per run.
const columns = results.map((r) => `${r.database}·${r.instances} 个实例`);
const row = (label: string, cells: string[]) => console.log(`  ${label.padEnd(22)}${cells.map((c) => c.padStart(24)).join('')}`);
console.log(`\n======== 评分压测对比：${results[0].experts} 位专家 ========`);
row('', columns);
for (const [p, phase] of results[0].phases.entries()) {
  console.log(`【${phase.phase}】`);
  const cells = (f: (x: PhaseFigures) => string) => results.map((r) => f(r.phases[p]));
  row(
    '吞吐量（次/秒）',
    cells((x) => x.throughput.toFixed(0)),
  );
  row(
    'p50 / p90 / p99（ms）',
    cells((x) => `${x.p50} / ${x.p90} / ${x.p99}`),
  );
  row(
    '最大（ms）',
    cells((x) => String(x.max)),
  );
  row(
    '保存 / 冲突 / 其他',
    cells((x) => `${x.saved} / ${x.conflicts} / ${x.other}`),
  );
  row(
    '超时 / 连接错误',
    cells((x) => `${x.timeouts} / ${x.errors}`),
  );
  if (phase.target)
    row(
      '目标 p99 ≤ 50 ms',
      cells((x) => (x.p99 <= 50 ? '达到' : '未达到')),
    );
}
row(
  '已确认保存 / 丢失',
  results.map((r) => `${r.acknowledged} / ${r.lost}`),
);
process.exitCode = results.some((r) => r.lost > 0) ? 1 : 0;
