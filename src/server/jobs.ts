import crypto from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/connect.ts';
import { nowIso } from '../db/connect.ts';
import type { Job } from '../db/schema.ts';

export interface JobProgress {
  /** Records how far the job is; written to the `jobs` row at most twice a second. */
  report(done: number, total: number): void;
}

export interface JobSpec {
  kind: string;
  contestId: number | null;
  /** What the job works on, for display (e.g. the uploaded file's name). */
  payload: Record<string, unknown>;
  /** The work itself; its result is stored as `result_json`. */
  run(progress: JobProgress): Promise<unknown>;
  /** Runs after the work, whatever happened (e.g. deletes an uploaded temp file). */
  cleanup?(): Promise<void>;
}

const HEARTBEAT_MS = 30_000;
/** A running job whose instance has not touched it for this long died with its process. */
const STALE_MS = 4 * HEARTBEAT_MS;
const PROGRESS_EVERY_MS = 500;
export const INTERRUPTED_MESSAGE = '服务曾重启，任务被中断；重新提交同一来源会从中断处继续';

export const getJob = (db: Db, id: number): Promise<Job | undefined> =>
  db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();

/**
 * Runs background jobs one at a time in this process, keeping their state in the `jobs` table so
 * a page reload (or another instance) sees the same progress. Serial on purpose: imports are
 * CPU-bound and the machine is small.
 */
export class JobRunner {
  readonly instanceId = `${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  private readonly queue: Array<{ id: number; spec: JobSpec }> = [];
  private current: Promise<void> | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Marks jobs whose process died (no heartbeat for a while) as failed. */
  async failAbandoned(): Promise<void> {
    const staleBefore = new Date(Date.now() - STALE_MS).toISOString();
    await this.db
      .updateTable('jobs')
      .set({ status: 'failed', message: INTERRUPTED_MESSAGE, finished_at: nowIso() })
      .where('status', 'in', ['queued', 'running'])
      .where((eb) => eb.or([eb('locked_at', 'is', null), eb('locked_at', '<', staleBefore)]))
      .execute();
  }

  async submit(spec: JobSpec): Promise<number> {
    if (this.closed) throw new Error('服务正在关闭，无法开始新任务');
    const now = nowIso();
    const row = await this.db
      .insertInto('jobs')
      .values({
        kind: spec.kind,
        contest_id: spec.contestId,
        status: 'queued',
        progress: 0,
        message: '排队中',
        payload_json: JSON.stringify(spec.payload),
        result_json: null,
        locked_by: this.instanceId,
        locked_at: now,
        created_at: now,
        finished_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    this.queue.push({ id: row.id, spec });
    this.pump();
    return row.id;
  }

  /** Resolves when nothing is queued or running. */
  async idle(): Promise<void> {
    while (this.current) await this.current;
  }

  /** Lets the running job finish; jobs still queued are failed with a clear message. */
  async close(): Promise<void> {
    this.closed = true;
    const dropped = this.queue.splice(0);
    await this.idle();
    for (const { id, spec } of dropped) {
      await this.finish(id, 'failed', INTERRUPTED_MESSAGE, null);
      await spec.cleanup?.().catch((err) => this.log.error({ err }, 'job cleanup failed'));
    }
  }

  private pump(): void {
    if (this.current) return;
    const next = this.queue.shift();
    if (!next) {
      this.stopHeartbeat();
      return;
    }
    this.startHeartbeat();
    this.current = this.execute(next.id, next.spec).finally(() => {
      this.current = null;
      this.pump();
    });
  }

  private async execute(id: number, spec: JobSpec): Promise<void> {
    let lastWrite = 0;
    let pending: Promise<unknown> = Promise.resolve();
    const progress: JobProgress = {
      report: (done, total) => {
        const now = Date.now();
        if (now - lastWrite < PROGRESS_EVERY_MS && done < total) return;
        lastWrite = now;
        const fraction = total > 0 ? Math.min(1, done / total) : 0;
        // Chained so writes land in order and never overlap the final one.
        pending = pending.then(() =>
          this.db
            .updateTable('jobs')
            .set({ progress: fraction, message: `已处理 ${done} / ${total}`, locked_at: nowIso() })
            .where('id', '=', id)
            .where('status', '=', 'running')
            .execute()
            .catch((err) => this.log.warn({ err, job: id }, 'job progress write failed')),
        );
      },
    };
    try {
      await this.db.updateTable('jobs').set({ status: 'running', message: '正在处理', locked_at: nowIso() }).where('id', '=', id).execute();
      const result = await spec.run(progress);
      await pending;
      await this.finish(id, 'done', '已完成', result ?? null);
    } catch (err) {
      await pending;
      this.log.error({ err, job: id, kind: spec.kind }, 'job failed');
      await this.finish(id, 'failed', err instanceof Error ? err.message : String(err), null);
    } finally {
      await spec.cleanup?.().catch((err) => this.log.error({ err, job: id }, 'job cleanup failed'));
    }
  }

  private async finish(id: number, status: 'done' | 'failed', message: string, result: unknown): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({
        status,
        message,
        progress: status === 'done' ? 1 : undefined,
        result_json: result === null ? null : JSON.stringify(result),
        finished_at: nowIso(),
        locked_at: nowIso(),
      })
      .where('id', '=', id)
      .execute();
  }

  private startHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      this.db
        .updateTable('jobs')
        .set({ locked_at: nowIso() })
        .where('locked_by', '=', this.instanceId)
        .where('status', 'in', ['queued', 'running'])
        .execute()
        .catch((err) => this.log.warn({ err }, 'job heartbeat failed'));
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }
}
