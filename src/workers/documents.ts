import type { DocxLayout } from '../eligibility/format.ts';
import type { ExtractResult } from '../ingest/extract/index.ts';
import { siblingModule, WorkerPool } from './pool.ts';

/**
 * Reading submitted files on worker threads: extracting a Word or PDF document's text or
 * layout is CPU work that would otherwise hold the server's event loop (experts' saves wait
 * behind it) and use one core. One pool per process, its threads started on first use.
 */

export type DocumentTask = { op: 'extractText'; data: Uint8Array; name: string } | { op: 'docxLayout'; data: Uint8Array };
export type DocumentTaskResult = ExtractResult | DocxLayout;

let pool: WorkerPool<DocumentTask, DocumentTaskResult> | null = null;
const threads = (): WorkerPool<DocumentTask, DocumentTaskResult> => {
  pool ??= new WorkerPool<DocumentTask, DocumentTaskResult>(siblingModule(import.meta.url, './documents-worker'), undefined, {
    background: true,
  });
  return pool;
};

/** `extractText` on a worker thread. */
export async function extractTextOnThread(data: Buffer, name: string): Promise<ExtractResult> {
  return (await threads().run({ op: 'extractText', data, name })) as ExtractResult;
}

/** `readDocxLayout` on a worker thread. */
export async function docxLayoutOnThread(data: Buffer): Promise<DocxLayout> {
  return (await threads().run({ op: 'docxLayout', data })) as DocxLayout;
}
