import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ScanSuspect } from '../../suspects/store/folder.ts';
import type { ScanReport } from './folder-scan.ts';

/** Characters gathered before a write. */
const CHUNK = 1 << 16;

/** One field of the report: arrays one element a line. */
function* field(key: string, value: unknown, first: boolean): Generator<string> {
  yield `${first ? '' : ','}\n  ${JSON.stringify(key)}: `;
  if (!Array.isArray(value)) {
    yield JSON.stringify(value);
    return;
  }
  yield '[';
  for (let i = 0; i < value.length; i++) yield `${i ? ',' : ''}\n    ${JSON.stringify(value[i])}`;
  yield value.length ? '\n  ]' : ']';
}

/**
 * The report as JSON text in pieces: each field on its line, arrays one element a line. A
 * report is never one string (a JavaScript string dies past about 512 MB). Suspects still being
 * found (`late`) are written last, once they are.
 */
async function* reportJson(report: ScanReport, late?: Promise<ScanSuspect[]>): AsyncGenerator<string> {
  const fields = Object.entries(report).filter(([, value]) => value !== undefined);
  yield '{';
  for (const [n, [key, value]] of fields.entries()) yield* field(key, value, n === 0);
  if (late) yield* field('suspects', await late, fields.length === 0);
  yield '\n}\n';
}

async function* chunked(pieces: AsyncIterable<string>): AsyncGenerator<string> {
  let buffer = '';
  for await (const piece of pieces) {
    buffer += piece;
    if (buffer.length >= CHUNK) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer) yield buffer;
}

/**
 * Streams the report as JSON to `out` (a file, or standard output left open with `end: false`),
 * with the suspects of `late` when they are still being found.
 */
export async function writeScanJson(
  out: Writable,
  report: ScanReport,
  opts: { end?: boolean; late?: Promise<ScanSuspect[]> } = {},
): Promise<void> {
  await pipeline(Readable.from(chunked(reportJson(report, opts.late))), out, { end: opts.end ?? true });
}
