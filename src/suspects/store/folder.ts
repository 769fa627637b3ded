import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { classifyEntryFiles } from '../../ingest/classify.ts';
import type { LayoutEntry } from '../../ingest/layout.ts';
import type { SimilarityResult } from '../../similarity/index.ts';
import { type AttachmentInput, attachmentClass } from '../attachments.ts';
import { entryTextOverlaps } from '../overlaps.ts';
import type { SuspectEntry, SuspectKind } from '../signals.ts';
import { inChunks } from '../../util/chunks.ts';
import { prepareSuspectsOnThread, type SuspectThread } from '../../workers/suspects.ts';

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

/** Files stat'ed and hashed at once. */
const HASHED_AT_ONCE = 32;

/** The 一稿多投 / 相似主题 suspects of a folder scan being prepared: found once the engine's result is known, or given up. */
export interface FolderSuspects {
  find(result: SimilarityResult): Promise<ScanSuspect[]>;
  close(): Promise<void>;
}

/**
 * Suspects of a folder scan. Each entry of the official layout is one work: its authors are
 * the teachers of its first-level folder (学段+学校+教师姓名, the school as their unit), its
 * attachments the files that count as evidence (hashed here), its text that of its documents
 * the scan read (`texts`, by path relative to the folder). The entries are prepared on a worker
 * thread while the caller runs the engine, whose result gives the text the entries share.
 */
/** The folder's entries as detection reads them, and the entry of each file. */
async function folderEntries(
  folder: string,
  entries: readonly LayoutEntry[],
  texts: ReadonlyMap<string, string>,
): Promise<{ inputs: SuspectEntry[]; entryOfFile: Map<string, string> }> {
  const entryOfFile = new Map<string, string>();
  const inputs: SuspectEntry[] = [];
  // the files that can count as evidence, hashed a few at a time (a stat and a hash each)
  const evidence: { attachments: AttachmentInput[]; name: string; kind: string | null }[] = [];
  for (const entry of entries) {
    const kinds = classifyEntryFiles(entry.files);
    const attachments: AttachmentInput[] = [];
    for (const [i, file] of entry.files.entries()) {
      entryOfFile.set(file, entry.entryFolder);
      // a file of no class is no evidence whatever its size (a .txt, a form)
      if (attachmentClass({ name: file, size: 1, kind: kinds[i] })) evidence.push({ attachments, name: file, kind: kinds[i] });
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
  for (const part of inChunks(evidence, HASHED_AT_ONCE)) {
    const hashed = await Promise.all(
      part.map(async ({ name, kind }) => {
        const size = (await stat(path.join(folder, name)).catch(() => null))?.size ?? 0;
        return size > 0 ? { name, size, kind, sha256: await sha256File(path.join(folder, name)) } : null;
      }),
    );
    part.forEach((f, i) => {
      const file = hashed[i];
      if (file) f.attachments.push(file);
    });
  }
  return { inputs, entryOfFile };
}

export async function prepareFolderSuspects(
  folder: string,
  entries: readonly LayoutEntry[],
  texts: ReadonlyMap<string, string>,
  // a thread of the scan's own, ended once the suspects are found: its memory is not the rest of the scan's
  thread: SuspectThread,
): Promise<FolderSuspects> {
  try {
    const { inputs, entryOfFile } = await folderEntries(folder, entries, texts);
    const prepared = await prepareSuspectsOnThread(inputs, thread, { inParts: false });
    return {
      async find(result) {
        try {
          const overlaps = entryTextOverlaps(result, (doc) => entryOfFile.get(doc));
          const found = await prepared.find({ overlaps });
          return found.map(({ a, b, kind, score, reasons }) => ({ a, b, kind, score, reasons }));
        } finally {
          await thread.close();
        }
      },
      close: () => thread.close(),
    };
  } catch (err) {
    await thread.close();
    throw err;
  }
}
