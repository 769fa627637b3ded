import { serveTasks } from '../../workers/serve.ts';
import type { DocumentInput, SimilarityResult } from '../types.ts';
import { type ScanStart, ScanSessions } from './engine.ts';

/** Worker thread: the similarity engine of the server's contest scans, with their cache of prepared corpora. */

export type ScanTask =
  | { op: 'start'; scan: ScanStart }
  | { op: 'add'; contestId: number; documents: DocumentInput[] }
  | { op: 'finish'; contestId: number }
  | { op: 'abort'; contestId: number };

export type ScanTaskResult = { held: number } | { result: SimilarityResult; compareMs: number } | null;

const sessions = new ScanSessions();

serveTasks<ScanTask, ScanTaskResult>((task) => {
  switch (task.op) {
    case 'start':
      return { result: sessions.start(task.scan) };
    case 'add':
      sessions.add(task.contestId, task.documents);
      return { result: null };
    case 'finish':
      return { result: sessions.finish(task.contestId) };
    case 'abort':
      sessions.abort(task.contestId);
      return { result: null };
  }
});
