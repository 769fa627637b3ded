import type { Db } from '../../db/connect.ts';
import type { Job } from '../../db/schema.ts';
import type { ImportSummary } from '../../ingest/import.ts';
import { importJobResult, jobPayload } from '../../db/columns.ts';

export interface ImportJobView {
  id: number;
  status: Job['status'];
  active: boolean;
  progress: number;
  message: string | null;
  source: string;
  createdAt: string;
  finishedAt: string | null;
  summary: ImportSummary | null;
}

export function describeImportJob(job: Job): ImportJobView {
  const { source } = jobPayload.read(job.payload_json) as { source?: unknown };
  return {
    id: job.id,
    status: job.status,
    active: job.status === 'queued' || job.status === 'running',
    progress: Number(job.progress),
    message: job.message,
    source: typeof source === 'string' ? source : '',
    createdAt: job.created_at,
    finishedAt: job.finished_at,
    summary: job.result_json ? importJobResult.read(job.result_json) : null,
  };
}

/** Imports queued or running in the background (finished ones are in the import history). */
export async function activeImportJobs(db: Db, contestId: number): Promise<ImportJobView[]> {
  const jobs = await db
    .selectFrom('jobs')
    .selectAll()
    .where('kind', '=', 'import')
    .where('contest_id', '=', contestId)
    .where('status', 'in', ['queued', 'running'])
    .orderBy('id', 'desc')
    .execute();
  return jobs.map(describeImportJob);
}
