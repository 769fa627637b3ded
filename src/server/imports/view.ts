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

export async function listImportJobs(db: Db, contestId: number, limit = 20): Promise<ImportJobView[]> {
  const jobs = await db
    .selectFrom('jobs')
    .selectAll()
    .where('kind', '=', 'import')
    .where('contest_id', '=', contestId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return jobs.map(describeImportJob);
}
