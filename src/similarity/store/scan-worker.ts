import { serveTasks } from '../../workers/serve.ts';
import type { DocumentInput, SimilarityResult } from '../types.ts';
import { type FinishedScan, RESULT_SLICE, type ScanStart, ScanSessions } from './engine.ts';

/** Worker thread: the similarity engine of the server's contest scans, with their cache of prepared corpora. */

export type ScanTask =
  | { op: 'start'; scan: ScanStart }
  | { op: 'add'; contestId: number; documents: DocumentInput[] }
  | { op: 'finish'; contestId: number }
  | { op: 'take'; contestId: number; part: 'documents' | 'pairs'; from: number }
  | { op: 'release'; contestId: number }
  | { op: 'abort'; contestId: number };

export type ScanTaskResult = { held: number } | FinishedScan | SimilarityResult['documents'] | SimilarityResult['pairs'] | null;

const sessions = new ScanSessions();
/**
 * Finished results, until the server has taken them: ten thousand documents and their pairs in one
 * message held the server's event loop for about 50 ms while it read them; slices take a few each.
 */
const finished = new Map<number, SimilarityResult>();

serveTasks<ScanTask, ScanTaskResult>((task) => {
  switch (task.op) {
    case 'start':
      return { result: sessions.start(task.scan) };
    case 'add':
      sessions.add(task.contestId, task.documents);
      return { result: null };
    case 'finish': {
      const { result, compareMs } = sessions.finish(task.contestId);
      finished.set(task.contestId, result);
      const head = { ...result, documents: [], pairs: [] };
      return { result: { result: head, compareMs, documents: result.documents.length, pairs: result.pairs.length } };
    }
    case 'take': {
      const result = finished.get(task.contestId);
      if (!result) throw new Error(`no finished similarity scan of contest ${task.contestId}`);
      return { result: result[task.part].slice(task.from, task.from + RESULT_SLICE) };
    }
    case 'release':
      finished.delete(task.contestId);
      return { result: null };
    case 'abort':
      sessions.abort(task.contestId);
      finished.delete(task.contestId);
      return { result: null };
  }
});
