import iconv from 'iconv-lite';
import { cleanProperties, type DocumentPart, type DocumentProperties, noteMarker } from './parts.ts';
import type { WordText } from './word.ts';

/**
 * Rich Text Format (.rtf, also what some platforms export as "Word"): the text as Word, WPS and
 * LibreOffice write it, by the RTF 1.9 specification. Body with tables and text boxes; footnotes,
 * endnotes, comments, headers and footers as parts; author, operator and company from \info;
 * deleted revisions (\deleted) and hidden text (\v) left out.
 */

type Destination =
  | 'body'
  | 'skip'
  | 'fonttbl'
  | 'info'
  | 'author'
  | 'operator'
  | 'company'
  | 'footnote'
  | 'header'
  | 'footer'
  | 'comment'
  | 'atnauthor'
  | 'textbox'
  | 'container'
  | 'upr'
  | 'uprChild';

interface State {
  dest: Destination;
  /** Characters to skip after \uN (\ucN). */
  uc: number;
  deleted: boolean;
  hidden: boolean;
  font: number;
  /** The part this group's text goes to: body, or a note / comment / header being read. */
  sink: Sink;
}

interface Sink {
  kind: 'body' | DocumentPart['kind'];
  text: string;
  /** Notes: \ftnalt makes a footnote an endnote; the body's marker waits for it. */
  endnote?: boolean;
  author?: string;
}

const DESTINATIONS: Record<string, Destination> = {
  fonttbl: 'fonttbl',
  info: 'info',
  author: 'author',
  operator: 'operator',
  company: 'company',
  footnote: 'footnote',
  header: 'header',
  headerl: 'header',
  headerr: 'header',
  headerf: 'header',
  footer: 'footer',
  footerl: 'footer',
  footerr: 'footer',
  footerf: 'footer',
  annotation: 'comment',
  atnauthor: 'atnauthor',
  shptxt: 'textbox',
  dptxbxtext: 'textbox',
  shpinst: 'container',
  shp: 'container',
  do: 'container',
  // {\upr{ANSI text}{\*\ud{Unicode text}}}: only the Unicode group is read.
  upr: 'upr',
  // Never text a reader sees, or a repeat of it.
  colortbl: 'skip',
  stylesheet: 'skip',
  listtable: 'skip',
  listoverridetable: 'skip',
  revtbl: 'skip',
  rsidtbl: 'skip',
  pict: 'skip',
  shppict: 'skip',
  nonshppict: 'skip',
  shprslt: 'skip',
  sp: 'skip',
  fldinst: 'skip',
  object: 'skip',
  themedata: 'skip',
  colorschememapping: 'skip',
  datastore: 'skip',
  latentstyles: 'skip',
  xmlnstbl: 'skip',
  generator: 'skip',
  pgdsctbl: 'skip',
  title: 'skip',
  subject: 'skip',
  keywords: 'skip',
  doccomm: 'skip',
  comment: 'skip',
  atnid: 'skip',
  atndate: 'skip',
  atnref: 'skip',
  bkmkstart: 'skip',
  bkmkend: 'skip',
  ftnsep: 'skip',
  ftnsepc: 'skip',
  ftncn: 'skip',
  aftnsep: 'skip',
  aftnsepc: 'skip',
  aftncn: 'skip',
  userprops: 'skip',
  mmathPr: 'skip',
};

const PROPERTY_OF = { author: 'author', operator: 'lastModifiedBy', company: 'company' } as const;

const SYMBOLS: Record<string, string> = {
  par: '\n',
  line: '\n',
  sect: '\n',
  page: '\n',
  row: '\n',
  tab: '\t',
  cell: '\t',
  nestcell: '\t',
  emdash: '\u2014',
  endash: '\u2013',
  bullet: '\u2022',
  lquote: '\u2018',
  rquote: '\u2019',
  ldblquote: '\u201c',
  rdblquote: '\u201d',
  emspace: ' ',
  enspace: ' ',
  qmspace: ' ',
  '~': '\u00a0',
  _: '-',
};

/** Windows code page of an RTF font charset. */
const CHARSET_CODEPAGES: Record<number, number> = { 128: 932, 129: 949, 134: 936, 136: 950 };

const decode = (bytes: number[], codePage: number): string => {
  const name = codePage === 936 ? 'gb18030' : codePage === 950 ? 'big5' : `cp${codePage}`;
  return iconv.encodingExists(name) ? iconv.decode(Buffer.from(bytes), name) : iconv.decode(Buffer.from(bytes), 'win1252');
};

export function readRtf(data: Buffer): WordText {
  const src = data.toString('latin1');
  if (!src.startsWith('{\\rtf')) throw new Error('not RTF');
  let codePage = 1252;
  const fontCodePages = new Map<number, number>();
  let fonttblFont = -1;
  const body: Sink = { kind: 'body', text: '' };
  const parts: DocumentPart[] = [];
  const notes: { sink: Sink; marker: number }[] = [];
  const properties: DocumentProperties = {};
  const markers: string[] = [];
  let state: State = { dest: 'body', uc: 1, deleted: false, hidden: false, font: -1, sink: body };
  const stack: State[] = [];
  let pendingBytes: number[] = [];
  let toSkip = 0;
  /** Set by `\*`: the group's first control word is an optional destination, skipped when unknown. */
  let optional = false;
  let groupStart = false;
  const textCodePage = () => fontCodePages.get(state.font) ?? codePage;

  const emit = (text: string) => {
    if (state.deleted || state.hidden) return;
    switch (state.dest) {
      case 'body':
      case 'footnote':
      case 'header':
      case 'footer':
      case 'comment':
      case 'textbox':
        state.sink.text += text;
        break;
      case 'author':
      case 'operator':
      case 'company': {
        const key = PROPERTY_OF[state.dest];
        properties[key] = (properties[key] ?? '') + text;
        break;
      }
      case 'atnauthor':
        state.sink.author = (state.sink.author ?? '') + text;
        break;
    }
  };
  const flushBytes = () => {
    if (pendingBytes.length) {
      emit(decode(pendingBytes, textCodePage()));
      pendingBytes = [];
    }
  };
  /** Characters after \uN that only older readers show (\ucN of them; a \'hh counts as one). */
  const skipOne = () => {
    if (toSkip > 0) {
      toSkip--;
      return true;
    }
    return false;
  };

  const startDestination = (dest: Destination) => {
    if (dest === 'footnote' || dest === 'header' || dest === 'footer' || dest === 'comment' || dest === 'textbox') {
      const sink: Sink = { kind: dest === 'comment' ? 'comment' : dest, text: '' };
      if (dest === 'footnote') {
        // The body's marker is written now and numbered once the note says which kind it is.
        notes.push({ sink, marker: markers.length });
        state.sink.text += `\uE000${markers.length}\uE001`;
        markers.push('');
      } else if (dest === 'comment') {
        // The author came in the \atnauthor group just before the annotation.
        sink.author = state.sink.author;
        state.sink.author = undefined;
      }
      if (dest === 'textbox') state.sink.text += '\n';
      // A text box in a header is part of the header, not a text box of the document.
      if (dest !== 'textbox' || state.sink.kind === 'body') finished.push(sink);
      state = { ...state, dest, sink, deleted: false, hidden: false };
    } else {
      if (dest === 'author' || dest === 'operator' || dest === 'company') delete properties[PROPERTY_OF[dest]];
      state = { ...state, dest };
    }
  };
  const finished: Sink[] = [];

  for (let i = 0; i < src.length; ) {
    const c = src[i];
    if (c === '{') {
      flushBytes();
      stack.push(state);
      state = { ...state, dest: state.dest === 'upr' ? 'uprChild' : state.dest };
      groupStart = true;
      i++;
      continue;
    }
    if (c === '}') {
      flushBytes();
      const closed = state;
      state = stack.pop() ?? state;
      // A text box's text is also in the body, where the shape stands.
      if (closed.dest === 'textbox' && closed.sink !== state.sink && state.dest !== 'textbox') state.sink.text += `${closed.sink.text}\n`;
      optional = false;
      groupStart = false;
      i++;
      continue;
    }
    if (c === '\\') {
      const next = src[i + 1];
      if (next === "'") {
        const byte = Number.parseInt(src.slice(i + 2, i + 4), 16);
        i += 4;
        groupStart = false;
        if (skipOne() || Number.isNaN(byte)) continue;
        if (state.dest !== 'skip' && state.dest !== 'fonttbl') pendingBytes.push(byte);
        continue;
      }
      if (next === '*') {
        optional = true;
        i += 2;
        continue;
      }
      if (next === '\\' || next === '{' || next === '}') {
        flushBytes();
        groupStart = false;
        if (!skipOne() && state.dest !== 'skip') emit(next);
        i += 2;
        continue;
      }
      if (next === '\n' || next === '\r') {
        flushBytes();
        if (state.dest !== 'skip') emit('\n');
        i += 2;
        continue;
      }
      const m = /^([a-zA-Z]{1,32})(-?\d{1,10})? ?/.exec(src.slice(i + 1, i + 45));
      if (!m) {
        // \~ \_ \- and other one-character symbols
        flushBytes();
        if (state.dest !== 'skip' && SYMBOLS[next] !== undefined) emit(SYMBOLS[next]);
        i += 2;
        groupStart = false;
        continue;
      }
      i += 1 + m[0].length;
      const word = m[1];
      const param = m[2] === undefined ? null : Number(m[2]);
      const first = groupStart;
      groupStart = false;
      if (word !== 'u' && word !== 'bin') flushBytes();
      if (word === 'bin') {
        i += Math.max(0, param ?? 0);
        continue;
      }
      if (state.dest === 'skip') continue;
      if (state.dest === 'uprChild') {
        state = { ...state, dest: first && word === 'ud' ? 'container' : 'skip' };
        optional = false;
        continue;
      }
      if (first && DESTINATIONS[word] !== undefined) {
        startDestination(DESTINATIONS[word]);
        optional = false;
        continue;
      }
      if (first && optional) {
        state = { ...state, dest: 'skip' };
        optional = false;
        continue;
      }
      optional = false;
      switch (word) {
        case 'u': {
          flushBytes();
          const code = param ?? 0;
          emit(String.fromCharCode(code < 0 ? code + 65536 : code));
          toSkip = state.uc;
          continue;
        }
        case 'uc':
          state.uc = param ?? 1;
          continue;
        case 'ansicpg':
          codePage = param ?? 1252;
          continue;
        case 'f':
          if (state.dest === 'fonttbl') fonttblFont = param ?? -1;
          else state.font = param ?? -1;
          continue;
        case 'fcharset':
          if (state.dest === 'fonttbl' && CHARSET_CODEPAGES[param ?? 0]) fontCodePages.set(fonttblFont, CHARSET_CODEPAGES[param ?? 0]);
          continue;
        case 'deleted':
          state.deleted = param !== 0;
          continue;
        case 'v':
          state.hidden = param !== 0;
          continue;
        case 'plain':
          state.deleted = false;
          state.hidden = false;
          continue;
        case 'ftnalt':
          state.sink.endnote = true;
          continue;
      }
      if (SYMBOLS[word] !== undefined && state.dest !== 'fonttbl' && state.dest !== 'info') {
        if (!skipOne()) emit(SYMBOLS[word]);
      }
      continue;
    }
    if (c === '\r' || c === '\n') {
      i++;
      continue;
    }
    groupStart = false;
    flushBytes();
    if (!skipOne() && state.dest !== 'skip' && state.dest !== 'fonttbl' && state.dest !== 'info') emit(c);
    i++;
  }

  const counters = { footnote: 0, endnote: 0 };
  for (const n of notes) {
    const kind = n.sink.endnote ? 'endnote' : 'footnote';
    markers[n.marker] = noteMarker(kind, ++counters[kind]);
  }
  const tidy = (s: string) =>
    s
      .split('\n')
      .map((l) => l.replace(/[\t ]+$/, ''))
      .join('\n')
      .trim();
  for (const s of finished) {
    const text = tidy(s.text.replace(/\uE000\d+\uE001/g, ''));
    if (!text) continue;
    const kind = s.kind === 'footnote' && s.endnote ? 'endnote' : s.kind;
    // LibreOffice writes a non-ASCII comment author as question marks.
    const author = s.author?.trim().replace(/^\?+$/, '');
    if (kind !== 'body') parts.push({ kind, text: author ? `${author}：${text}` : text });
  }
  const unique = parts.filter((p, k) =>
    p.kind !== 'header' && p.kind !== 'footer' ? true : !parts.slice(0, k).some((q) => q.kind === p.kind && q.text === p.text),
  );
  return {
    text: tidy(body.text.replace(/\uE000(\d+)\uE001/g, (_, k: string) => markers[Number(k)] ?? '')),
    html: null,
    parts: unique,
    properties: cleanProperties(properties),
  };
}
