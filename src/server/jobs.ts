import crypto from 'node:crypto';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../db/connect.ts';
import { nowIso } from '../db/connect.ts';
import { dialectOf } from '../db/dialect.ts';
import type { Updateable } from 'kysely';
import type { Job, JobsTable } from '../db/schema.ts';
import { jobPayload, jobResult } from '../db/columns.ts';

export interface JobProgress {
  /** Records how far the job is; written to the `jobs` row at most twice a second. */
  report(done: number, total: number): void;
}

/** What a job works on, stored with it as JSON: all its handler needs to do the work on any instance. */
export type JobPayload = {
  /** Also the row's `contest_id`: the pages find a contest's jobs by it, and a contest runs one job at a time. */
  contestId: number | null;
};

export interface JobHandler<P extends JobPayload> {
  /**
   * Does the work described by the payload; the result is stored as `result_json`. When the
   * instance running it dies, another instance runs it again from the same payload, so the work
   * must resume (imports) or recompute the same result (scans, checks).
   */
  run(payload: P, progress: JobProgress): Promise<unknown>;
  /** Runs once the job has run for good, whatever the outcome, before the outcome is stored (e.g. deletes an uploaded temp folder). */
  cleanup?(payload: P): Promise<void>;
}

export interface JobTimings {
  /** How often an idle instance looks for queued jobs (submitting wakes the submitting instance at once). */
  pollMs: number;
  /** How often a running job's row is touched to show its instance is alive. */
  heartbeatMs: number;
  /** A running job not touched for this long belongs to an instance that died, and is run again. */
  staleMs: number;
}

/**
 * CASEJURY_JOB_STALE_SECONDS (default 120) sets how long a silent instance keeps its job. It must
 * exceed the longest stretch a job keeps the event loop busy (the comparison step of a very large
 * scan), or a live instance's job would be taken over.
 */
export function jobTimings(env: NodeJS.ProcessEnv = process.env): JobTimings {
  const raw = env.CASEJURY_JOB_STALE_SECONDS;
  const staleSeconds = raw ? Number(raw) : 120;
  if (!(staleSeconds > 0)) throw new Error(`环境变量 CASEJURY_JOB_STALE_SECONDS 应为正数（秒）：${raw}`);
  const staleMs = staleSeconds * 1000;
  const heartbeatMs = staleMs / 8;
  return { staleMs, heartbeatMs, pollMs: Math.min(2000, heartbeatMs) };
}

/** A job claimed this many times whose instance died every time is given up, not retried forever. */
export const MAX_ATTEMPTS = 3;
const PROGRESS_EVERY_MS = 500;
const SETTLE_POLL_MS = 100;
export const INTERRUPTED_MESSAGE = `任务所在的服务进程多次中断（已尝试 ${MAX_ATTEMPTS} 次），任务已停止；重新提交同一来源会从中断处继续`;
const REQUEUED_MESSAGE = '原先运行此任务的服务进程已停止，等待重新执行';

export interface JobLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const getJob = (db: Db, id: number): Promise<Job | undefined> =>
  db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();

const isFinished = (job: Job): boolean => job.status === 'done' || job.status === 'failed';

/**
 * Background jobs kept in the `jobs` table, shared by every instance on the database. A job kind
 * is registered once with a handler that rebuilds the work from the stored payload; submitting
 * only inserts a queued row. Each instance runs a worker that claims the oldest queued job it
 * can (claiming is one atomic UPDATE, so exactly one instance gets it), runs it, heartbeats
 * meanwhile, and puts jobs of dead instances back in the queue. One job at a time per instance
 * (imports and scans are CPU-bound) and per contest (a check queued behind an import must see
 * the finished import, whichever instance runs it). Any instance's pages read progress from the row.
 */
export class JobQueue {
  readonly instanceId = `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`;
  private readonly handlers = new Map<string, JobHandler<JobPayload>>();
  private readonly postgres: boolean;
  private poller: NodeJS.Timeout | null = null;
  private draining: Promise<void> | null = null;
  private wakeAgain = false;
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly log: JobLog,
    private readonly timings: JobTimings = jobTimings(),
  ) {
    this.postgres = dialectOf(db) === 'postgres';
  }

  /** Registers a kind of job; returns the function that queues one. */
  register<P extends JobPayload>(kind: string, handler: JobHandler<P>): (payload: P) => Promise<number> {
    if (this.handlers.has(kind)) throw new Error(`job kind "${kind}" is registered twice`);
    this.handlers.set(kind, handler as JobHandler<JobPayload>);
    return (payload) => this.enqueue(kind, payload);
  }

  /** Starts this instance's worker, once every kind is registered (the app does it when ready). */
  start(): void {
    if (this.poller || this.closed) return;
    this.poller = setInterval(() => this.wake(), this.timings.pollMs);
    this.poller.unref();
    this.wake();
  }

  /** Resolves once this instance has nothing to do: no job running here, none queued that it could claim. */
  async idle(): Promise<void> {
    this.wake();
    while (this.draining) await this.draining;
  }

  /** The job once it has finished (on any instance), or as it stands when `timeoutMs` has passed. */
  async settled(id: number, timeoutMs: number): Promise<Job | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = await getJob(this.db, id);
      if (!job || isFinished(job) || Date.now() >= deadline) return job;
      await sleep(SETTLE_POLL_MS);
    }
  }

  /** Stops claiming and lets the running job finish; queued jobs stay queued for the other instances. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.poller) clearInterval(this.poller);
    while (this.draining) await this.draining;
  }

  private async enqueue(kind: string, payload: JobPayload): Promise<number> {
    if (this.closed) throw new Error('服务正在关闭，无法开始新任务');
    const { id } = await this.db
      .insertInto('jobs')
      .values({
        kind,
        contest_id: payload.contestId,
        status: 'queued',
        progress: 0,
        message: '排队中',
        payload_json: jobPayload.write(payload),
        result_json: null,
        locked_by: null,
        locked_at: null,
        created_at: nowIso(),
        finished_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    this.wake();
    return id;
  }

  private wake(): void {
    if (!this.poller || this.closed) return;
    if (this.draining) {
      this.wakeAgain = true;
      return;
    }
    this.wakeAgain = false;
    this.draining = this.drain().finally(() => {
      this.draining = null;
      if (this.wakeAgain) this.wake();
    });
  }

  /** Runs claimable jobs one after another until there are none. */
  private async drain(): Promise<void> {
    try {
      await this.requeueStale();
      for (let job = await this.claim(); job; job = this.closed ? undefined : await this.claim()) await this.execute(job);
    } catch (err) {
      this.log.error({ err }, 'job queue poll failed');
    }
  }

  /**
   * Marks the oldest queued job this instance can run as running by it, in one UPDATE: SQLite
   * runs it under its single write lock; PostgreSQL locks the chosen row with FOR UPDATE SKIP
   * LOCKED, so a concurrent claimer takes the next row instead of waiting for (or repeating) this one.
   */
  private async claim(): Promise<Job | undefined> {
    const kinds = [...this.handlers.keys()];
    if (kinds.length === 0) return undefined;
    try {
      return await this.db
        .updateTable('jobs')
        .set((eb) => ({
          status: 'running',
          locked_by: this.instanceId,
          locked_at: nowIso(),
          attempts: eb('attempts', '+', 1),
          message: eb.case().when('attempts', '>', 0).then('正在重新处理（原先运行它的服务进程已停止）').else('正在处理').end(),
        }))
        .where('status', '=', 'queued')
        .where('id', '=', (eb) =>
          eb
            .selectFrom('jobs as q')
            .select('q.id')
            .where('q.status', '=', 'queued')
            .where('q.kind', 'in', kinds)
            .where(({ not, exists, selectFrom }) =>
              not(
                exists(
                  selectFrom('jobs as r').select('r.id').where('r.status', '=', 'running').whereRef('r.contest_id', '=', 'q.contest_id'),
                ),
              ),
            )
            .orderBy('q.id')
            .limit(1)
            .$if(this.postgres, (q) => q.forUpdate().skipLocked()),
        )
        .returningAll()
        .executeTakeFirst();
    } catch (err) {
      // PostgreSQL: another instance started a job of the same contest a moment ago (the unique
      // index on running jobs per contest refused this one); the next poll picks something else.
      if ((err as { code?: string }).code === '23505') return undefined;
      throw err;
    }
  }

  /** Running jobs whose instance stopped heartbeating go back to the queue, or fail after MAX_ATTEMPTS. */
  private async requeueStale(): Promise<void> {
    const staleBefore = new Date(Date.now() - this.timings.staleMs).toISOString();
    const stale = () => this.db.updateTable('jobs').where('status', '=', 'running').where('locked_at', '<', staleBefore);
    await stale().where('attempts', '<', MAX_ATTEMPTS).set({ status: 'queued', locked_by: null, message: REQUEUED_MESSAGE }).execute();
    const abandoned = await stale()
      .where('attempts', '>=', MAX_ATTEMPTS)
      .set({ status: 'failed', locked_by: null, message: INTERRUPTED_MESSAGE, finished_at: nowIso() })
      .returning(['id', 'kind', 'payload_json'])
      .execute();
    for (const job of abandoned) {
      const handler = this.handlers.get(job.kind);
      if (handler) await this.cleanup(job.id, handler, jobPayload.read(job.payload_json));
    }
  }

  private async execute(job: Job): Promise<void> {
    const handler = this.handlers.get(job.kind);
    // claim() only takes kinds registered here.
    if (!handler) throw new Error(`Claimed job ${job.id} of unregistered kind "${job.kind}"`);
    const payload = jobPayload.read(job.payload_json);
    // Every write is conditional on this instance still holding the job: if it was taken over
    // (this process stalled past the stale limit), the new holder's row is left alone.
    const held = () =>
      this.db.updateTable('jobs').where('id', '=', job.id).where('locked_by', '=', this.instanceId).where('status', '=', 'running');
    let writes: Promise<unknown> = Promise.resolve();
    // Chained so writes land in order and never overlap the final one.
    const touch = (values: { progress?: number; message?: string } = {}) => {
      writes = writes
        .then(() =>
          held()
            .set({ ...values, locked_at: nowIso() })
            .executeTakeFirst(),
        )
        .then(
          (r) => Number(r.numUpdatedRows) === 0 && this.log.warn({ job: job.id }, 'job was taken over by another instance'),
          (err) => this.log.warn({ err, job: job.id }, 'job heartbeat failed'),
        );
    };
    let lastWrite = 0;
    const progress: JobProgress = {
      report: (done, total) => {
        const now = Date.now();
        if (now - lastWrite < PROGRESS_EVERY_MS && done < total) return;
        lastWrite = now;
        touch({ progress: total > 0 ? Math.min(1, done / total) : 0, message: `已处理 ${done} / ${total}` });
      },
    };
    const heartbeat = setInterval(() => touch(), this.timings.heartbeatMs);
    heartbeat.unref();
    let outcome: { status: 'done' | 'failed'; message: string; result: unknown };
    try {
      outcome = { status: 'done', message: '已完成', result: (await handler.run(payload, progress)) ?? null };
    } catch (err) {
      this.log.error({ err, job: job.id, kind: job.kind }, 'job failed');
      outcome = { status: 'failed', message: err instanceof Error ? err.message : String(err), result: null };
    } finally {
      clearInterval(heartbeat);
    }
    await writes;
    /** Writes the job's row while this instance still holds it; false (logged) once another took it over or the write failed. */
    const stillHeld = async (values: Updateable<JobsTable>): Promise<boolean> => {
      try {
        if (Number((await held().set(values).executeTakeFirst()).numUpdatedRows) > 0) return true;
        this.log.warn({ job: job.id }, 'job finished here after another instance took it over; its outcome here is dropped');
      } catch (err) {
        this.log.error({ err, job: job.id }, 'job outcome could not be stored');
      }
      return false;
    };
    // The job's leftovers (an upload's temp folder) go before its outcome is stored, so whoever sees it finished
    // finds nothing left of it; only while this instance holds the job (a takeover's rerun needs them), and
    // touching it keeps it ours for another staleMs meanwhile.
    if (!(await stillHeld({ locked_at: nowIso() }))) return;
    await this.cleanup(job.id, handler, payload);
    await stillHeld({
      status: outcome.status,
      message: outcome.message,
      progress: outcome.status === 'done' ? 1 : undefined,
      result_json: outcome.result === null ? null : jobResult.write(outcome.result),
      finished_at: nowIso(),
      locked_at: nowIso(),
    });
  }

  private async cleanup(id: number, handler: JobHandler<JobPayload>, payload: JobPayload): Promise<void> {
    await handler.cleanup?.(payload).catch((err) => this.log.error({ err, job: id }, 'job cleanup failed'));
  }
}
