import { byDocumentOrder } from '../../ingest/classify.ts';
import { sanitizeDocumentHtml } from '../../ingest/extract/sanitize.ts';
import type { EntryFile } from './query.ts';

export interface ShownDocument {
  id: number;
  name: string;
  kind: EntryFile['kind'];
  html: string;
}

/**
 * An entry's readable documents in reading order. Ingestion sanitized this HTML already; it is sanitized
 * again on display in case a stored row was written by something else (defense in depth).
 */
export const shownDocuments = (files: readonly EntryFile[]): ShownDocument[] =>
  files
    .flatMap((f) => (f.html ? [{ ...f, html: f.html }] : []))
    .sort(byDocumentOrder)
    .map((f) => ({ id: f.id, name: f.name, kind: f.kind, html: sanitizeDocumentHtml(f.html) }));
