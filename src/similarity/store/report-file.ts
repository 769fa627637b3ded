import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ScanReport } from './folder-scan.ts';

/** Characters gathered before a write. */
const CHUNK = 1 << 16;

/**
 * The report as JSON text in pieces: each field on its line, arrays one element a line. A
 * report is never one string (a JavaScript string dies past about 512 MB).
 */
function* reportJson(report: ScanReport): Generator<string> {
  const fields = Object.entries(report).filter(([, value]) => value !== undefined);
  yield '{';
  for (const [n, [key, value]] of fields.entries()) {
    yield `${n ? ',' : ''}\n  ${JSON.stringify(key)}: `;
    if (!Array.isArray(value)) {
      yield JSON.stringify(value);
      continue;
    }
    yield '[';
    for (let i = 0; i < value.length; i++) yield `${i ? ',' : ''}\n    ${JSON.stringify(value[i])}`;
    yield value.length ? '\n  ]' : ']';
  }
  yield '\n}\n';
}

function* chunked(pieces: Iterable<string>): Generator<string> {
  let buffer = '';
  for (const piece of pieces) {
    buffer += piece;
    if (buffer.length >= CHUNK) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer) yield buffer;
}

/** Streams the report as JSON to `out` (a file, or standard output left open with `end: false`). */
export async function writeScanJson(out: Writable, report: ScanReport, opts: { end?: boolean } = {}): Promise<void> {
  await pipeline(Readable.from(chunked(reportJson(report))), out, { end: opts.end ?? true });
}
