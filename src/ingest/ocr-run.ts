import type { Db } from '../db/connect.ts';
import { type BlobStore, defaultBlobStore } from '../storage/blobs.ts';
import { type OcrOptions, type OcrResult, ocrDocument, ocrOptions, ocrUnavailable } from './extract/ocr.ts';

/**
 * OCR of a contest's scans and pictures, run after an import as a background job (or by the CLI
 * after `import`): every file marked `pending` is read by tesseract, its text stored as an `ocr`
 * part with the recognizer's confidence, one file per transaction, so a stopped run resumes with
 * the files still pending. Files marked `unavailable` (imported where tesseract was missing) are
 * read too once it is installed.
 */

export interface OcrRunOptions {
  blobs?: BlobStore;
  onProgress?: (done: number, total: number) => void;
  /** Stop starting files after this long (the job queues a follow-up for the rest, so other jobs of the contest get their turn). */
  budgetMs?: number;
  ocr?: OcrOptions;
}

export interface OcrRunSummary {
  read: number;
  failed: number;
  /** Files still pending when the budget ran out. */
  remaining: number;
  /** Why OCR cannot run here; null when it can. */
  unavailable: string | null;
}

/** Files read at once: tesseract runs one thread per page, on a machine shared with the web server. */
const CONCURRENCY = 2;

const pendingFiles = (db: Db, contestId: number, statuses: ('pending' | 'unavailable')[]) =>
  db
    .selectFrom('files as f')
    .innerJoin('entries as e', 'e.id', 'f.entry_id')
    .where('e.contest_id', '=', contestId)
    .where('f.ocr_status', 'in', statuses);

/** How many of the contest's files OCR has still to read. */
export async function countOcrWork(db: Db, contestId: number): Promise<number> {
  const { n } = await pendingFiles(db, contestId, ['pending', 'unavailable'])
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(n);
}

const describe = (r: OcrResult, maxPages: number, timeoutMs: number): string | null => {
  const notes: string[] = [];
  if (r.timedOut.length) notes.push(`第 ${r.timedOut.join('、')} 页识别超时（每页限 ${timeoutMs / 1000} 秒），未读出`);
  if (r.truncated) notes.push(`只识别了前 ${maxPages} 页`);
  if (!r.text) notes.push('文字识别未读出文字');
  return notes.length ? `扫描件：${notes.join('；')}` : null;
};

export async function runPendingOcr(db: Db, contestId: number, options: OcrRunOptions = {}): Promise<OcrRunSummary> {
  const unavailable = await ocrUnavailable();
  if (unavailable) {
    await db
      .updateTable('files')
      .set({ ocr_status: 'unavailable' })
      .where('ocr_status', '=', 'pending')
      .where('entry_id', 'in', (eb) => eb.selectFrom('entries').select('id').where('contest_id', '=', contestId))
      .execute();
    return { read: 0, failed: 0, remaining: 0, unavailable };
  }
  const blobs = options.blobs ?? defaultBlobStore();
  const settings = options.ocr ?? ocrOptions();
  const files = await pendingFiles(db, contestId, ['pending', 'unavailable'])
    .select(['f.id', 'f.sha256', 'f.mime'])
    .orderBy('f.id')
    .execute();
  const deadline = options.budgetMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.budgetMs;
  // The same scan in several entries (a shared form) is read once.
  const results = new Map<string, Promise<OcrResult | Error>>();
  let next = 0;
  let done = 0;
  const summary: OcrRunSummary = { read: 0, failed: 0, remaining: 0, unavailable: null };
  options.onProgress?.(0, files.length);
  const worker = async () => {
    while (next < files.length && Date.now() < deadline) {
      const f = files[next++];
      let result = results.get(f.sha256);
      if (!result) {
        result = blobs
          .read(f.sha256)
          .then((data) => ocrDocument(data, f.mime === 'application/pdf' ? 'pdf' : 'image', settings))
          .catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
        results.set(f.sha256, result);
      }
      const outcome = await result;
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('file_parts').where('file_id', '=', f.id).where('kind', '=', 'ocr').execute();
        if (outcome instanceof Error) {
          await trx
            .updateTable('files')
            .set({ ocr_status: 'failed', error: `文字识别失败（${outcome.message}）` })
            .where('id', '=', f.id)
            .execute();
          return;
        }
        if (outcome.text)
          await trx
            .insertInto('file_parts')
            .values({ file_id: f.id, position: 1000, kind: 'ocr', text: outcome.text, confidence: outcome.confidence })
            .execute();
        await trx
          .updateTable('files')
          .set({ ocr_status: 'done', error: describe(outcome, settings.maxPages, settings.pageTimeoutMs) })
          .where('id', '=', f.id)
          .execute();
      });
      if (outcome instanceof Error) summary.failed++;
      else summary.read++;
      done++;
      options.onProgress?.(done, files.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, files.length) }, worker));
  summary.remaining = files.length - done;
  return summary;
}
