import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { importPath } from '../../ingest/import.ts';
import { withinImportRoots } from '../../ingest/roots.ts';
import { runPendingOcr } from '../../ingest/ocr-run.ts';
import type { JobPayload } from '../jobs.ts';
import type { ImportOrigin } from '../../util/terms.ts';
import { warmSuspects } from '../suspects/warm.ts';

export const IMPORT_JOB = 'import';
export const OCR_JOB = 'ocr';
/** An OCR job works this long, then queues a follow-up for the rest, so checks and scans of the contest queued meanwhile run in between. */
const OCR_BUDGET_MS = 4 * 60_000;

export interface ImportRequest {
  contestId: number;
  /** Folder or file on this server to import. */
  source: string;
  /** What the user sees as the source: the uploaded file's name or the folder path. */
  label: string;
  userId: number;
  /** An upload's temp folder, deleted once the import has finished (or failed). */
  tempDir?: string;
  /** 'browser' for an upload, 'folder' for a folder on this server. */
  origin: ImportOrigin;
  /** The unit sending it (a unit account's upload): its entries land on that unit or below it. */
  unitId?: number;
}

/**
 * An import as stored with its job; paths inside the data folder are kept relative to it, so every instance
 * sharing the folder finds them.
 */
interface ImportPayload extends JobPayload {
  contestId: number;
  /** The label shown on the pages. */
  source: string;
  path: string;
  userId: number;
  tempDir?: string;
  origin?: ImportOrigin;
  unitId?: number;
}

/**
 * Registers the import job kind; returns the function that queues an import (progress and summary are kept in its
 * `jobs` row). A server folder is checked against `importRoots` again when the job runs, on whichever instance.
 */
export function importJobs(app: FastifyInstance, importRoots: readonly string[]): (r: ImportRequest) => Promise<number> {
  const stored = (p: string) =>
    path.resolve(p).startsWith(path.resolve(app.dataDir) + path.sep) ? path.relative(app.dataDir, p) : path.resolve(p);
  const located = (p: string) => path.resolve(app.dataDir, p);
  // Scans and pictures are read after the import, by a job of their own: the entries are there at
  // once, and OCR (seconds per page) does not hold up the import.
  const submitOcr = app.jobs.register<JobPayload & { contestId: number }>(OCR_JOB, {
    run: async (p, progress) => {
      const summary = await runPendingOcr(app.db, p.contestId, {
        blobs: app.blobs,
        budgetMs: OCR_BUDGET_MS,
        onProgress: (done, total) => progress.report(done, total),
      });
      if (summary.remaining) await submitOcr({ contestId: p.contestId });
      return summary;
    },
  });
  const submit = app.jobs.register<ImportPayload>(IMPORT_JOB, {
    // A rerun after an instance died resumes the batch: importPath skips the entries already in import_items.
    run: async (p, progress) => {
      const source = p.origin === 'folder' ? await withinImportRoots(located(p.path), importRoots) : located(p.path);
      const summary = await importPath(app.db, p.contestId, source, {
        userId: p.userId,
        origin: p.origin ?? 'browser',
        label: p.source,
        unitId: p.unitId ?? null,
        blobs: app.blobs,
        onProgress: (done, total) => progress.report(done, total),
      });
      if (summary.ocrPending) await submitOcr({ contestId: p.contestId });
      // new entries change the suspects: detected now rather than by the first page that shows them
      await warmSuspects(app, p.contestId);
      return summary;
    },
    cleanup: async (p) => {
      if (p.tempDir) await fs.rm(located(p.tempDir), { recursive: true, force: true });
    },
  });
  return (r) =>
    submit({
      contestId: r.contestId,
      source: r.label,
      path: stored(r.source),
      userId: r.userId,
      origin: r.origin,
      ...(r.unitId ? { unitId: r.unitId } : {}),
      ...(r.tempDir ? { tempDir: stored(r.tempDir) } : {}),
    });
}
