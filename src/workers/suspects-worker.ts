import { findSuspects, type SuspectEntry } from '../suspects/index.ts';
import { serveTasks } from './serve.ts';
import type { SuspectTask } from './suspects.ts';

/** Worker thread: 一稿多投 / 相似主题 detection over a contest's entries (see suspects.ts). */

/** Entries received so far, by the key of their detection. */
const received = new Map<number, SuspectEntry[]>();

serveTasks<SuspectTask, ReturnType<typeof findSuspects>>((task) => {
  if (task.op === 'add') {
    const entries = received.get(task.key) ?? [];
    for (const e of task.entries) entries.push(e);
    received.set(task.key, entries);
    return { result: [] };
  }
  const entries = received.get(task.key) ?? [];
  received.delete(task.key);
  if (task.op === 'drop') return { result: [] };
  return {
    result: findSuspects(entries, task.overlaps, {
      threshold: task.threshold,
      worksPerFirstAuthor: (category) => task.worksPerFirstAuthor[category],
    }),
  };
});
