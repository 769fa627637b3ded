import { detectSuspects, type PreparedDetection, prepareDetection, suspectOptions } from '../suspects/detect.ts';
import type { SuspectEntry } from '../suspects/index.ts';
import { loadWords } from '../suspects/words.ts';
import { serveTasks } from './serve.ts';
import type { SuspectTask } from './suspects.ts';

/** Worker thread: 一稿多投 / 相似主题 detection over a contest's entries (see suspects.ts). */

/** Entries received so far, by the key of their detection. */
const received = new Map<number, SuspectEntry[]>();
/** Entries prepared, by key, until their detection. */
const prepared = new Map<number, PreparedDetection>();

// preparation takes no option the caller sets (threshold and works per first author act in detection)
const preparation = suspectOptions();

/** The prepared entries of a key, prepared now if they were not. */
function prepare(key: number): PreparedDetection {
  const contest = prepared.get(key) ?? prepareDetection(received.get(key) ?? [], preparation);
  received.delete(key);
  prepared.set(key, contest);
  return contest;
}

serveTasks<SuspectTask, ReturnType<typeof detectSuspects>>((task) => {
  switch (task.op) {
    case 'add': {
      const entries = received.get(task.key) ?? [];
      for (const e of task.entries) entries.push(e);
      received.set(task.key, entries);
      if (task.last) prepare(task.key);
      return { result: [] };
    }
    case 'warm':
      loadWords();
      return { result: [] };
    case 'drop':
      received.delete(task.key);
      prepared.delete(task.key);
      return { result: [] };
    case 'find': {
      const contest = prepare(task.key);
      prepared.delete(task.key);
      const limits = task.worksPerFirstAuthor ?? {};
      const options = suspectOptions({ threshold: task.threshold, worksPerFirstAuthor: (category) => limits[category] });
      return { result: detectSuspects(contest, task.overlaps, options) };
    }
  }
});
