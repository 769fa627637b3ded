import type { Suspect } from '../suspects/detect.ts';
import type { SuspectEntry, TextOverlap } from '../suspects/index.ts';
import { inChunks } from '../util/chunks.ts';
import { siblingModule, WorkerPool } from './pool.ts';

/**
 * 一稿多投 / 相似主题 detection on a worker thread: seconds of CPU at ten thousand entries, which would
 * otherwise hold the server's event loop while experts save.
 */

export interface SuspectDetection {
  entries: SuspectEntry[];
  overlaps: TextOverlap[];
  threshold: number;
  /** Works one first author may enter, by category name (a function cannot cross to the thread). */
  worksPerFirstAuthor: Record<string, number>;
}

/** What the thread is asked: entries arrive in parts under a key, then detection runs on them. */
export type SuspectTask =
  | { op: 'add'; key: number; entries: SuspectEntry[] }
  | ({ op: 'find'; key: number } & Omit<SuspectDetection, 'entries'>)
  | { op: 'drop'; key: number };

/**
 * Entries per message: a contest's texts are tens of megabytes, and copying them to the thread in one
 * message would hold the event loop for as long (77 ms at 10,000 entries); parts let it serve between.
 */
const PART = 500;

// one thread, so the parts and the detection that follows them meet there
let pool: WorkerPool<SuspectTask, Suspect[]> | null = null;
let nextKey = 1;

/** `findSuspects` on the worker thread. */
export async function findSuspectsOnThread({ entries, ...detection }: SuspectDetection): Promise<Suspect[]> {
  pool ??= new WorkerPool<SuspectTask, Suspect[]>(siblingModule(import.meta.url, './suspects-worker'), 1, { background: true });
  const thread = pool;
  const key = nextKey++;
  try {
    for (const part of inChunks(entries, PART)) await thread.run({ op: 'add', key, entries: part });
    return await thread.run({ op: 'find', key, ...detection });
  } catch (err) {
    thread.run({ op: 'drop', key }).catch(() => undefined);
    throw err;
  }
}
