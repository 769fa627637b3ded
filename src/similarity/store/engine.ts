import { siblingModule, WorkerPool } from '../../workers/pool.ts';
import { SimilarityCorpus } from '../index.ts';
import type { DocumentInput, SimilarityOptions, SimilarityResult } from '../types.ts';
import { CorpusCache } from './cache.ts';
import type { ScanTask, ScanTaskResult } from './scan-worker.ts';

/** What a contest scan compares: its settings and the identities of its members, in scan order. */
export interface ScanStart {
  contestId: number;
  settingsSignature: string;
  options: Partial<SimilarityOptions>;
  templates: string[];
  identities: string[];
}

/**
 * The similarity engine's side of a contest scan: a scan starts (re-using the prepared corpus
 * of the contest's previous scan when the documents only grew), documents are added in
 * batches, and the result comes at the end. Runs in the process (the CLI) or in a worker
 * thread (the server), where the CPU-heavy work stays off the event loop.
 */
export interface ScanEngine {
  /** Starts a scan; `held` of its members are already prepared and need not be sent. */
  start(scan: ScanStart): Promise<{ held: number }>;
  add(contestId: number, documents: DocumentInput[]): Promise<void>;
  finish(contestId: number): Promise<{ result: SimilarityResult; compareMs: number }>;
  /** Drops a scan that failed (its half-extended corpus is not reused). */
  abort(contestId: number): Promise<void>;
  close(): Promise<void>;
}

/** The documents or pairs of a finished result the server takes from the engine's thread per message. */
export const RESULT_SLICE = 1000;

/** A finished scan on the engine's thread without its documents and pairs, taken in slices: how many there are of each. */
export interface FinishedScan {
  result: SimilarityResult;
  compareMs: number;
  documents: number;
  pairs: number;
}

/** The scans in progress and the cache of prepared corpora, wherever the engine runs. */
export class ScanSessions {
  private readonly sessions = new Map<number, { start: ScanStart; corpus: SimilarityCorpus; engineMs: number }>();

  constructor(private readonly cache = new CorpusCache()) {}

  start(scan: ScanStart): { held: number } {
    const reusable = this.cache.extendable(scan.contestId, scan.settingsSignature, scan.identities);
    // a corpus being extended is no longer what the cache describes until the scan finishes
    this.cache.forget(scan.contestId);
    const corpus = reusable?.corpus ?? new SimilarityCorpus(scan.options, scan.templates);
    this.sessions.set(scan.contestId, { start: scan, corpus, engineMs: 0 });
    return { held: reusable?.held ?? 0 };
  }

  add(contestId: number, documents: DocumentInput[]): void {
    const session = this.session(contestId);
    const started = performance.now();
    for (const d of documents) session.corpus.add(d);
    session.engineMs += performance.now() - started;
  }

  finish(contestId: number): { result: SimilarityResult; compareMs: number } {
    const session = this.session(contestId);
    this.sessions.delete(contestId);
    const started = performance.now();
    const result = session.corpus.result();
    const { start } = session;
    this.cache.remember(contestId, start.settingsSignature, session.corpus, start.identities);
    return { result, compareMs: Math.round(session.engineMs + performance.now() - started) };
  }

  abort(contestId: number): void {
    this.sessions.delete(contestId);
    this.cache.forget(contestId);
  }

  private session(contestId: number) {
    const session = this.sessions.get(contestId);
    if (!session) throw new Error(`no similarity scan of contest ${contestId} is in progress`);
    return session;
  }
}

/** The engine in this process (the CLI: nothing else waits on its event loop). */
export function localEngine(sessions = new ScanSessions()): ScanEngine {
  return {
    start: async (scan) => sessions.start(scan),
    add: async (contestId, documents) => sessions.add(contestId, documents),
    finish: async (contestId) => sessions.finish(contestId),
    abort: async (contestId) => sessions.abort(contestId),
    close: async () => undefined,
  };
}

/**
 * The engine on a worker thread of its own (the server): scans keep the event loop free for
 * everyone else, and the thread keeps the prepared corpora between scans.
 */
export function workerEngine(): ScanEngine {
  const pool = new WorkerPool<ScanTask, ScanTaskResult>(siblingModule(import.meta.url, './scan-worker'), 1, { background: true });
  return {
    start: async (scan) => (await pool.run({ op: 'start', scan })) as { held: number },
    add: async (contestId, documents) => void (await pool.run({ op: 'add', contestId, documents })),
    async finish(contestId) {
      const finished = (await pool.run({ op: 'finish', contestId })) as FinishedScan;
      // documents and pairs a slice per message: the event loop serves requests between them
      try {
        const documents: SimilarityResult['documents'] = [];
        for (let from = 0; from < finished.documents; from += RESULT_SLICE)
          documents.push(...((await pool.run({ op: 'take', contestId, part: 'documents', from })) as SimilarityResult['documents']));
        const pairs: SimilarityResult['pairs'] = [];
        for (let from = 0; from < finished.pairs; from += RESULT_SLICE)
          pairs.push(...((await pool.run({ op: 'take', contestId, part: 'pairs', from })) as SimilarityResult['pairs']));
        return { result: { ...finished.result, documents, pairs }, compareMs: finished.compareMs };
      } finally {
        await pool.run({ op: 'release', contestId });
      }
    },
    abort: async (contestId) => void (await pool.run({ op: 'abort', contestId })),
    close: () => pool.close(),
  };
}
