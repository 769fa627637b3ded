import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/connect.ts';
import type { Job } from '../../db/schema.ts';
import { runChecks, type RunSummary } from '../../eligibility/store/run.ts';
import { checkJobResult } from '../../db/columns.ts';

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
  summary: job.result_json ? checkJobResult.read(job.result_json) : null,
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
 * Registers the check job kind; returns the function that runs every check of a contest as a
 * background job (queued behind a running import of the contest, so the checks see the finished
 * import), unless a run is already under way. It waits briefly so a small contest comes back
 * checked; a large one shows its progress on the board.
 */
export function checkJobs(app: FastifyInstance): (contestId: number, userId: number) => Promise<void> {
  const submit = app.jobs.register<{ contestId: number; userId: number }>(CHECK_JOB, {
    run: ({ contestId, userId }) => runChecks(app.db, contestId, { blobs: app.blobs, userId }),
  });
  return async (contestId, userId) => {
    const latest = await checkRun(app.db, contestId);
    const id = latest?.active ? latest.id : await submit({ contestId, userId });
    await app.jobs.settled(id, WAIT_MS);
  };
}
