import type { Db } from '../../db/connect.ts';
import type { Job } from '../../db/schema.ts';
import type { ImportSummary } from '../../ingest/import.ts';

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
  const payload = JSON.parse(job.payload_json || '{}') as { source?: string };
  return {
    id: job.id,
    status: job.status,
    active: job.status === 'queued' || job.status === 'running',
    progress: Number(job.progress),
    message: job.message,
    source: payload.source ?? '',
    createdAt: job.created_at,
    finishedAt: job.finished_at,
    summary: job.result_json ? (JSON.parse(job.result_json) as ImportSummary) : null,
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
