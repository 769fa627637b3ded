import type { Suspect } from '../suspects/detect.ts';
import type { SuspectEntry, TextOverlap } from '../suspects/index.ts';
import { inChunks } from '../util/chunks.ts';
import { siblingModule, WorkerPool } from './pool.ts';

/**
 * 一稿多投 / 相似主题 detection on a worker thread: seconds of CPU at ten thousand entries, which would
 * otherwise hold the server's event loop while experts save, or the similarity engine in a folder scan.
 */

export interface SuspectDetection {
  entries: SuspectEntry[];
  overlaps: TextOverlap[];
  /** The default threshold when not given. */
  threshold?: number;
  /** Works one first author may enter, by category name (a function cannot cross to the thread); no limit when not given. */
  worksPerFirstAuthor?: Record<string, number>;
}

/**
 * What the thread is asked: entries arrive in parts under a key, are prepared (titles, topics),
 * then detection runs on them with the text overlaps.
 */
export type SuspectTask =
  | {
      op: 'add';
      key: number;
      entries: SuspectEntry[];
      /** The last part: the entries are prepared once it is added. */
      last: boolean;
    }
  | ({ op: 'find'; key: number } & Omit<SuspectDetection, 'entries'>)
  | { op: 'drop'; key: number }
  | { op: 'warm' };

/**
 * Entries per message: a contest's texts are tens of megabytes, and copying them to the thread in one
 * message would hold the event loop for as long (77 ms at 10,000 entries); parts let it serve between.
 */
const PART = 500;

export type SuspectThread = WorkerPool<SuspectTask, Suspect[]>;

/**
 * A thread of its own, for a caller that ends it when done (`close()`). One thread, so the parts and
 * the detection that follows them meet there. `warm`: the thread starts now and loads its word
 * segmenter (half a second with the thread's own start), while the caller still reads the documents.
 */
export function suspectThread({ warm = false }: { warm?: boolean } = {}): SuspectThread {
  const thread = new WorkerPool<SuspectTask, Suspect[]>(siblingModule(import.meta.url, './suspects-worker'), 1, { background: true });
  if (warm) thread.run({ op: 'warm' }).catch(() => undefined);
  return thread;
}

// the thread the server's detections share
let shared: SuspectThread | null = null;
const sharedThread = (): SuspectThread => {
  shared ??= suspectThread();
  return shared;
};
let nextKey = 1;

/** Entries on the thread, being prepared: `find` detects the suspects once the text overlaps are known, `drop` forgets them. */
export interface SuspectsOnThread {
  find(detection: Omit<SuspectDetection, 'entries'>): Promise<Suspect[]>;
  drop(): void;
}

/**
 * Sends the entries to the thread and starts their preparation, most of the work, which needs no
 * text overlaps: it runs while the caller goes on (a folder scan's engine finds the overlaps
 * meanwhile). Resolves once the last part is sent. `inParts`: false for a caller with no event
 * loop to keep serving (the command line), whose entries go in one message it does not wait on.
 */
export async function prepareSuspectsOnThread(
  entries: readonly SuspectEntry[],
  thread: SuspectThread = sharedThread(),
  { inParts = true }: { inParts?: boolean } = {},
): Promise<SuspectsOnThread> {
  const key = nextKey++;
  const drop = (): void => void thread.run({ op: 'drop', key }).catch(() => undefined);
  const parts = inParts && entries.length > PART ? inChunks(entries, PART) : [[...entries]];
  try {
    for (const part of parts.slice(0, -1)) await thread.run({ op: 'add', key, entries: part, last: false });
  } catch (err) {
    drop();
    throw err;
  }
  const prepared = thread.run({ op: 'add', key, entries: parts[parts.length - 1], last: true });
  // a failure fails `find`, not the process as an unhandled rejection before
  prepared.catch(() => undefined);
  return {
    async find(detection) {
      try {
        await prepared;
        return await thread.run({ op: 'find', key, ...detection });
      } catch (err) {
        drop();
        throw err;
      }
    },
    drop,
  };
}

/** `findSuspects` on the worker thread. */
export async function findSuspectsOnThread({ entries, ...detection }: SuspectDetection): Promise<Suspect[]> {
  return (await prepareSuspectsOnThread(entries)).find(detection);
}
