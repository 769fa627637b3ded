// word-extractor ships no types; only the parts casejury calls are declared.
declare module 'word-extractor' {
  interface FilterOptions {
    filterUnicode?: boolean;
  }
  export interface WordDocument {
    getBody(options?: FilterOptions): string;
    getFootnotes(options?: FilterOptions): string;
    getEndnotes(options?: FilterOptions): string;
    getHeaders(options?: FilterOptions & { includeFooters?: boolean }): string;
    getFooters(options?: FilterOptions): string;
    getAnnotations(options?: FilterOptions): string;
    getTextboxes(options?: FilterOptions & { includeHeadersAndFooters?: boolean; includeBody?: boolean }): string;
  }
  export default class WordExtractor {
    extract(source: string | Buffer): Promise<WordDocument>;
  }
}

// The .doc reader itself, for where its public API stops (positions of notes and text boxes).
declare module 'word-extractor/lib/word-ole-extractor.js' {
  import type { WordDocument } from 'word-extractor';
  export interface Piece {
    text: string;
    startCp: number;
    endCp: number;
  }
  export default class WordOleExtractor {
    _pieces: Piece[];
    _boundaries: Record<'ccpText' | 'ccpFtn' | 'ccpHdd' | 'ccpAtn' | 'ccpEdn' | 'ccpTxbx' | 'ccpHdrTxbx', number>;
    extract(reader: unknown): Promise<WordDocument>;
    normalizeHeaders(fib: Buffer, table: Buffer): void;
    buildDocument(): WordDocument;
  }
}

declare module 'word-extractor/lib/buffer-reader.js' {
  export default class BufferReader {
    constructor(data: Buffer);
  }
}

declare module 'word-extractor/lib/filters.js' {
  /** Word's control characters to text: cell marks to tabs, paragraph marks to newlines, fields to their results. */
  export function clean(text: string): string;
}
