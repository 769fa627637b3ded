import type { Suspect } from '../suspects/detect.ts';
import type { SuspectEntry, TextOverlap } from '../suspects/index.ts';
import { siblingModule, WorkerPool } from './pool.ts';

/**
 * 一稿多投 / 相似主题 detection on a worker thread: seconds of CPU at ten thousand entries, which would
 * otherwise hold the server's event loop while experts save.
 */

export interface SuspectTask {
  entries: SuspectEntry[];
  overlaps: TextOverlap[];
  threshold: number;
  /** Works one first author may enter, by category name (a function cannot cross to the thread). */
  worksPerFirstAuthor: Record<string, number>;
}

let pool: WorkerPool<SuspectTask, Suspect[]> | null = null;

/** `findSuspects` on a worker thread. */
export async function findSuspectsOnThread(task: SuspectTask): Promise<Suspect[]> {
  pool ??= new WorkerPool<SuspectTask, Suspect[]>(siblingModule(import.meta.url, './suspects-worker'), 1, { background: true });
  return pool.run(task);
}
