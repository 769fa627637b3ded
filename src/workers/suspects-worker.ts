import { findSuspects } from '../suspects/index.ts';
import { serveTasks } from './serve.ts';
import type { SuspectTask } from './suspects.ts';

/** Worker thread: 一稿多投 / 相似主题 detection over a contest's entries (see suspects.ts). */
serveTasks<SuspectTask, ReturnType<typeof findSuspects>>((task) => ({
  result: findSuspects(task.entries, task.overlaps, {
    threshold: task.threshold,
    worksPerFirstAuthor: (category) => task.worksPerFirstAuthor[category],
  }),
}));
