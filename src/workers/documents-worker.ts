import { readDocxLayout } from '../eligibility/format.ts';
import { extractText } from '../ingest/extract/index.ts';
import type { DocumentTask, DocumentTaskResult } from './documents.ts';
import { serveTasks } from './serve.ts';

/** Worker thread: reads submitted files (text extraction, Word layout), the CPU work of imports and checks. */
serveTasks<DocumentTask, DocumentTaskResult>(async (task) => {
  // a Buffer arrives as a plain Uint8Array
  const data = Buffer.from(task.data.buffer, task.data.byteOffset, task.data.byteLength);
  return { result: task.op === 'extractText' ? await extractText(data, task.name) : await readDocxLayout(data) };
});
