import fs from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { importPath } from '../../ingest/import.ts';

export interface ImportRequest {
  contestId: number;
  /** Folder or file on this server to import. */
  source: string;
  /** What the user sees as the source: the uploaded file's name or the folder path. */
  label: string;
  userId: number;
  /** An upload's temp folder, deleted once the import has finished (or failed). */
  tempDir?: string;
}

/** Queues an import as a background job; progress and summary are kept in its `jobs` row. */
export function startImport(app: FastifyInstance, r: ImportRequest): Promise<number> {
  return app.jobs.submit({
    kind: 'import',
    contestId: r.contestId,
    payload: { source: r.label, userId: r.userId, uploaded: Boolean(r.tempDir) },
    run: (progress) =>
      importPath(app.db, r.contestId, r.source, { userId: r.userId, blobs: app.blobs, onProgress: (done, total) => progress.report(done, total) }),
    cleanup: r.tempDir ? () => fs.rm(r.tempDir!, { recursive: true, force: true }) : undefined,
  });
}
