import type { Db } from '../../db/connect.ts';
import type { Job } from '../../db/schema.ts';
import type { ImportSummary } from '../../ingest/import.ts';
import { importJobResult, jobPayload } from '../../db/columns.ts';
import { OCR_JOB } from './start.ts';

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

/** The OCR job queued after an import (the latest of the contest from then on), as the import page shows it. */
export interface OcrJobView {
  active: boolean;
  status: Job['status'];
  progress: number;
  message: string | null;
}

export async function ocrJobAfter(db: Db, contestId: number, importJobId: number): Promise<OcrJobView | null> {
  const job = await db
    .selectFrom('jobs')
    .selectAll()
    .where('kind', '=', OCR_JOB)
    .where('contest_id', '=', contestId)
    .where('id', '>', importJobId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!job) return null;
  return {
    active: job.status === 'queued' || job.status === 'running',
    status: job.status,
    progress: Number(job.progress),
    message: job.message,
  };
}
