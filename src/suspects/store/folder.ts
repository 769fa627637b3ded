import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { classifyEntryFiles } from '../../ingest/classify.ts';
import type { LayoutEntry } from '../../ingest/layout.ts';
import type { SimilarityResult } from '../../similarity/index.ts';
import { type AttachmentInput, attachmentClass } from '../attachments.ts';
import { findSuspects, type SuspectOptions } from '../detect.ts';
import { entryTextOverlaps } from '../overlaps.ts';
import type { SuspectEntry, SuspectKind } from '../signals.ts';

/** A suspect in the folder scan's JSON: a and b are entry folders (the 作品名称 level) relative to the scanned folder. */
export interface ScanSuspect {
  a: string;
  b: string;
  kind: SuspectKind;
  score: number;
  reasons: string[];
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Suspects of a folder scan. Each entry of the official layout is one work: its authors are
 * the teachers of its first-level folder (学段+学校+教师姓名, the school as their unit), its
 * attachments the files that count as evidence (hashed here), its text that of its documents
 * the scan read (`texts`, by path relative to the folder), and the engine's `result` gives
 * the text the entries share.
 */
export async function folderSuspects(
  folder: string,
  entries: readonly LayoutEntry[],
  texts: ReadonlyMap<string, string>,
  result: SimilarityResult,
  options: Partial<SuspectOptions> = {},
): Promise<ScanSuspect[]> {
  const entryOfFile = new Map<string, string>();
  const inputs: SuspectEntry[] = [];
  for (const entry of entries) {
    const kinds = classifyEntryFiles(entry.files);
    const attachments: AttachmentInput[] = [];
    for (const [i, file] of entry.files.entries()) {
      entryOfFile.set(file, entry.entryFolder);
      const size = (await stat(path.join(folder, file)).catch(() => null))?.size ?? 0;
      if (attachmentClass({ name: file, size, kind: kinds[i] }))
        attachments.push({ name: file, size, kind: kinds[i], sha256: await sha256File(path.join(folder, file)) });
    }
    inputs.push({
      id: entry.entryFolder,
      category: entry.categoryLabel,
      title: entry.title,
      authors: entry.teachers.map((name) => ({ name, unit: entry.school })),
      attachments,
      text: entry.files.flatMap((f) => texts.get(f) ?? []).join('\n'),
    });
  }
  const overlaps = entryTextOverlaps(result, (doc) => entryOfFile.get(doc));
  return findSuspects(inputs, overlaps, options).map(({ a, b, kind, score, reasons }) => ({ a, b, kind, score, reasons }));
}
