import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, nowIso, openDb, openMigratedDb } from '../src/db/connect.ts';
import { createContest } from '../src/contests/index.ts';
import { INTERRUPTED_MESSAGE, JobQueue, type JobTimings, MAX_ATTEMPTS } from '../src/server/jobs.ts';
import { createTestPgDatabase } from './helpers/db.ts';
import { jobPayload, jobResult } from '../src/db/columns.ts';

/**
 * The durable job queue with two instances on one database: each instance is its own connection
 * (pool) and its own JobQueue, as two app processes would have.
 */

const RULES = 'rules/2024-platform-cases-teacher-training.yaml';
const FAST: JobTimings = { pollMs: 20, heartbeatMs: 200, staleMs: 1500 };

interface SharedDatabase {
  url: string;
  drop(): Promise<void>;
}

const backends: { name: string; create(): Promise<SharedDatabase> }[] = [
  {
    name: 'sqlite',
    async create() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casejury-jobs-'));
      return { url: path.join(dir, 'casejury.db'), drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
    },
  },
  ...(process.env.CASEJURY_TEST_PG ? [{ name: 'postgres', create: createTestPgDatabase }] : []),
];
if (!process.env.CASEJURY_TEST_PG) console.warn('jobs.test.ts: CASEJURY_TEST_PG is not set, so the queue is tested on SQLite only');

class Log {
  readonly errors: string[] = [];
  readonly warnings: string[] = [];
  warn = (_: object, msg: string) => void this.warnings.push(msg);
  error = (obj: object, msg: string) => void this.errors.push(`${msg} ${String((obj as { err?: unknown }).err ?? '')}`);
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe.each(backends)('job queue on $name', (backend) => {
  let shared: SharedDatabase;
  let dbs: Db[];
  let queues: JobQueue[];

  /** One more instance: its own connection and queue. */
  async function instance(timings: JobTimings = FAST): Promise<{ db: Db; queue: JobQueue; log: Log }> {
    const db = openDb({ url: shared.url });
    const log = new Log();
    const queue = new JobQueue(db, log, timings);
    dbs.push(db);
    queues.push(queue);
    return { db, queue, log };
  }

  const unfinished = async (db: Db) =>
    Number(
      (
        await db
          .selectFrom('jobs')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('status', 'in', ['queued', 'running'])
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeEach(async () => {
    shared = await backend.create();
    await (await openMigratedDb(shared.url)).destroy();
    dbs = [];
    queues = [];
  });
  afterEach(async () => {
    for (const q of queues) await q.close();
    for (const db of dbs) await db.destroy();
    await shared.drop();
  });

  it('claims every job exactly once when two instances compete for them', async () => {
    const ran: { n: number; by: string }[] = [];
    const runners = [await instance(), await instance()];
    const submit = runners.map(({ queue }) =>
      queue.register<{ contestId: null; n: number }>('count', {
        run: async ({ n }) => {
          ran.push({ n, by: queue.instanceId });
          await sleep(Math.random() * 4);
          return { n, by: queue.instanceId };
        },
      }),
    );
    // Queued before either worker runs, half through each instance, so both race for all of them.
    const ids = [];
    for (let n = 0; n < 60; n++) ids.push(await submit[n % 2]({ contestId: null, n }));
    for (const { queue } of runners) queue.start();
    await until('every job to finish', async () => (await unfinished(runners[0].db)) === 0);

    expect(ran.map((r) => r.n).sort((a, b) => a - b)).toEqual([...Array(60).keys()]);
    const byInstance = new Set(ran.map((r) => r.by));
    expect(byInstance).toEqual(new Set(runners.map((r) => r.queue.instanceId)));
    const rows = await runners[1].db
      .selectFrom('jobs')
      .select(['id', 'status', 'attempts', 'locked_by', 'result_json', 'progress'])
      .orderBy('id')
      .execute();
    expect(rows.map((r) => r.id)).toEqual(ids);
    for (const row of rows) {
      const result = jobResult.read(row.result_json ?? 'null') as { n: number; by: string };
      expect(row).toMatchObject({ status: 'done', attempts: 1, locked_by: result.by, progress: 1 });
      expect(ran.find((r) => r.n === result.n)!.by).toBe(result.by);
    }
    for (const { log } of runners) expect(log.errors).toEqual([]);
  });

  it('has cleaned up after a job, failed or done, by the time its outcome can be read', async () => {
    const { db, queue, log } = await instance();
    const left = new Set<number>();
    const submit = queue.register<{ contestId: null; n: number }>('leaves-files', {
      run: async ({ n }) => {
        left.add(n);
        if (n % 2) throw new Error('压缩包超过限制');
      },
      // A slow cleanup (a large temp folder on a busy disk).
      cleanup: async ({ n }) => {
        await sleep(150);
        left.delete(n);
      },
    });
    const ids = [await submit({ contestId: null, n: 1 }), await submit({ contestId: null, n: 2 })];
    queue.start();
    for (const [i, id] of ids.entries()) {
      await until(`job ${i + 1} to end`, async () => {
        const { status } = await db.selectFrom('jobs').select('status').where('id', '=', id).executeTakeFirstOrThrow();
        return status === 'failed' || status === 'done';
      });
      expect(left.has(i + 1), `job ${i + 1}`).toBe(false);
    }
    expect(log.errors).toEqual(['job failed Error: 压缩包超过限制']);
  });

  it('runs one job of a contest at a time across instances, in the order submitted', async () => {
    const contests = [];
    for (const name of ['甲竞赛', '乙竞赛']) {
      contests.push(
        await createContest((await instance()).db, {
          name,
          rulesYaml: fs.readFileSync(RULES, 'utf8'),
          rulesSource: path.basename(RULES),
          userId: null,
        }),
      );
    }
    const spans: { contestId: number; n: number; start: number; end: number }[] = [];
    const runners = [await instance(), await instance()];
    const submit = runners.map(({ queue }) =>
      queue.register<{ contestId: number; n: number }>('contest-work', {
        run: async ({ contestId, n }) => {
          const start = performance.now();
          await sleep(40);
          spans.push({ contestId, n, start, end: performance.now() });
        },
      }),
    );
    for (let n = 0; n < 4; n++) for (const contestId of contests) await submit[n % 2]({ contestId, n });
    for (const { queue } of runners) queue.start();
    await until('every job to finish', async () => (await unfinished(runners[0].db)) === 0);

    expect(spans).toHaveLength(8);
    for (const contestId of contests) {
      const mine = spans.filter((s) => s.contestId === contestId).sort((a, b) => a.start - b.start);
      expect(mine.map((s) => s.n)).toEqual([0, 1, 2, 3]);
      for (let i = 1; i < mine.length; i++) expect(mine[i].start).toBeGreaterThanOrEqual(mine[i - 1].end);
    }
    // The two contests did run side by side, one on each instance.
    const [a, b] = contests.map((c) => spans.filter((s) => s.contestId === c));
    expect(a.some((x) => b.some((y) => x.start < y.end && y.start < x.end))).toBe(true);
  });

  it('runs a job again when the instance running it died, and gives it up after too many attempts', async () => {
    const { db, queue, log } = await instance();
    const ran: number[] = [];
    const cleaned: number[] = [];
    queue.register<{ contestId: null; n: number }>('resumable', {
      run: async ({ n }) => void ran.push(n),
      cleanup: async ({ n }) => void cleaned.push(n),
    });
    // What a killed instance leaves behind: running jobs whose heartbeat stopped a while ago.
    const orphan = async (n: number, attempts: number, lockedAt: string) =>
      (
        await db
          .insertInto('jobs')
          .values({
            kind: 'resumable',
            contest_id: null,
            status: 'running',
            progress: 0.5,
            message: '已处理 1 / 2',
            payload_json: jobPayload.write({ contestId: null, n }),
            result_json: null,
            locked_by: 'killed-instance',
            locked_at: lockedAt,
            attempts,
            created_at: nowIso(),
            finished_at: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const longAgo = new Date(Date.now() - 60_000).toISOString();
    const retried = await orphan(1, 1, longAgo);
    const givenUp = await orphan(2, MAX_ATTEMPTS, longAgo);
    // Its instance is alive: the heartbeat is recent.
    const alive = await orphan(3, 1, nowIso());

    queue.start();
    await queue.idle();
    const rows = await db.selectFrom('jobs').select(['id', 'status', 'message', 'attempts', 'locked_by']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: retried, status: 'done', message: '已完成', attempts: 2, locked_by: queue.instanceId },
      { id: givenUp, status: 'failed', message: INTERRUPTED_MESSAGE, attempts: MAX_ATTEMPTS, locked_by: null },
      { id: alive, status: 'running', message: '已处理 1 / 2', attempts: 1, locked_by: 'killed-instance' },
    ]);
    expect(ran).toEqual([1]);
    expect(cleaned.sort()).toEqual([1, 2]);

    // Once its heartbeat is old enough, the third is taken over too.
    await until('the silent job to be taken over', async () => (await unfinished(db)) === 0, FAST.staleMs * 4);
    expect(ran).toEqual([1, 3]);
    expect(log.errors).toEqual([]);
  });

  it('keeps the outcome of the instance that took a job over when the stalled one finishes later', async () => {
    // An instance whose heartbeat stops while its job still runs (e.g. a process paused far too long).
    const stalled = await instance({ ...FAST, heartbeatMs: 60_000 });
    const other = await instance();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const cleaned: string[] = [];
    const [submit] = [stalled, other].map(({ queue }) =>
      queue.register<{ contestId: null }>('slow', {
        run: async (_, progress) => {
          if (queue === stalled.queue) {
            progress.report(1, 4);
            await gate;
          }
          return { by: queue.instanceId };
        },
        cleanup: async () => void cleaned.push(queue.instanceId),
      }),
    );
    stalled.queue.start();
    const id = await submit({ contestId: null });
    const row = () => other.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    // Progress written by one instance is what the other instance's pages read.
    await until('the progress to show', async () => (await row()).progress === 0.25);
    expect(await row()).toMatchObject({ status: 'running', message: '已处理 1 / 4', locked_by: stalled.queue.instanceId });

    await other.db
      .updateTable('jobs')
      .set({ locked_at: new Date(Date.now() - 60_000).toISOString() })
      .where('id', '=', id)
      .execute();
    other.queue.start();
    await other.queue.idle();
    expect(await row()).toMatchObject({
      status: 'done',
      attempts: 2,
      locked_by: other.queue.instanceId,
      result_json: jobResult.write({ by: other.queue.instanceId }),
    });

    release();
    await stalled.queue.idle();
    expect(await row()).toMatchObject({
      status: 'done',
      locked_by: other.queue.instanceId,
      result_json: jobResult.write({ by: other.queue.instanceId }),
    });
    expect(cleaned).toEqual([other.queue.instanceId]);
    expect(stalled.log.warnings).toContain('job finished here after another instance took it over; its outcome here is dropped');
  });
});
