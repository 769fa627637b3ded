import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/connect.ts';
import type { Job } from '../../db/schema.ts';
import { runChecks, type RunSummary } from '../../eligibility/run.ts';

export const CHECK_JOB = 'eligibility-check';

/** A run of every check, as the board shows it. */
export interface CheckRunView {
  id: number;
  status: Job['status'];
  active: boolean;
  message: string | null;
  createdAt: string;
  finishedAt: string | null;
  summary: RunSummary | null;
}

const describe = (job: Job): CheckRunView => ({
  id: job.id,
  status: job.status,
  active: job.status === 'queued' || job.status === 'running',
  message: job.message,
  createdAt: job.created_at,
  finishedAt: job.finished_at,
  summary: job.result_json ? (JSON.parse(job.result_json) as RunSummary) : null,
});

/** The contest's most recent check run, or one given by id; null when there is none. */
export async function checkRun(db: Db, contestId: number, jobId?: number): Promise<CheckRunView | null> {
  let query = db.selectFrom('jobs').selectAll().where('kind', '=', CHECK_JOB).where('contest_id', '=', contestId);
  if (jobId !== undefined) query = query.where('id', '=', jobId);
  const job = await query.orderBy('id', 'desc').limit(1).executeTakeFirst();
  return job ? describe(job) : null;
}

/** How long the request that starts a run waits for it: a typical contest is checked well within this. */
const WAIT_MS = 2000;

/**
 * Runs every check of the contest as a background job (queued behind a running import, so the
 * checks see the finished import), unless a run is already under way. Waits briefly so a small
 * contest comes back checked; a large one shows its progress on the board.
 */
export async function startCheckRun(app: FastifyInstance, contestId: number, userId: number): Promise<void> {
  const latest = await checkRun(app.db, contestId);
  if (!latest?.active) {
    await app.jobs.submit({
      kind: CHECK_JOB,
      contestId,
      payload: { userId },
      run: () => runChecks(app.db, contestId, { blobs: app.blobs, userId }),
    });
  }
  await Promise.race([app.jobs.idle(), sleep(WAIT_MS, undefined, { ref: false })]);
}
