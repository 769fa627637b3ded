/**
 * What an expert may see of an entry. Pure: the scoring screen builds it from database rows.
 * In a blind contest (盲评) nothing that names the authors leaves the server: no author rows, no
 * folder or file paths (they carry 学校+教师姓名), no registration forms (信息表), and stored
 * file names are replaced by neutral labels. Text the authors typed into their own documents is
 * the eligibility check's business (anonymity warning), not this module's.
 */
import { isVideoFile, playsInBrowser } from '../eligibility/video.ts';

export interface ExpertViewInput {
  blind: boolean;
  authors: { name: string; unit: string | null; county: string | null }[];
  /** The entry's files in display order (main case document first); `ext` without the dot, as ingestion stores it. */
  files: { id: number; original_path: string; kind: string; ext: string; size: number; html: string | null; text?: string | null }[];
  /**
   * Kinds whose plain text is shown when a file has no HTML (a .doc, .pdf or .rtf 案例介绍): the
   * work's own documents, which the anonymity check reads; evidence (certificates …) is not shown.
   */
  documentKinds?: readonly string[];
}

export interface ExpertFile {
  id: number;
  label: string;
  kind: string;
  size: number;
  /** Videos always (experts watch them to score them); other files only when the contest is not blind. */
  downloadable: boolean;
  /** A video, whatever the rule set calls it (数字故事, 课堂教学实录 …); `playable` when browsers play its format. */
  video: { playable: boolean } | null;
}

export interface ExpertDocument {
  fileId: number;
  label: string;
  html: string;
}

export interface ExpertEntryView {
  /** Null in a blind contest. */
  authors: { name: string; unit: string | null; county: string | null }[] | null;
  files: ExpertFile[];
  documents: ExpertDocument[];
}

/** Registration forms carry names, schools and phone numbers by design. */
const IDENTIFYING_KINDS = new Set(['信息表']);

/** Plain text as paragraphs, escaped: for documents read as text only. */
const textHtml = (text: string): string =>
  text
    .split(/\n+/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => `<p>${line.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</p>`)
    .join('');

export function expertEntryView(input: ExpertViewInput, sanitize: (html: string) => string): ExpertEntryView {
  const visible = input.blind ? input.files.filter((f) => !IDENTIFYING_KINDS.has(f.kind)) : input.files;
  const perKind = new Map<string, number>();
  for (const f of visible) perKind.set(f.kind, (perKind.get(f.kind) ?? 0) + 1);
  const seen = new Map<string, number>();
  const labelled = visible.map((f) => {
    const n = (seen.get(f.kind) ?? 0) + 1;
    seen.set(f.kind, n);
    const neutral = `${f.kind}${(perKind.get(f.kind) ?? 0) > 1 ? ` ${n}` : ''}${f.ext ? `.${f.ext.replace(/^\./, '')}` : ''}`;
    return { ...f, label: input.blind ? neutral : f.original_path };
  });
  const textKinds = new Set(input.documentKinds ?? []);
  return {
    authors: input.blind ? null : input.authors,
    files: labelled.map((f) => {
      const video = isVideoFile(f) ? { playable: playsInBrowser(f) } : null;
      return { id: f.id, label: f.label, kind: f.kind, size: f.size, downloadable: video !== null || !input.blind, video };
    }),
    documents: labelled.flatMap((f) => {
      if (f.html) return [{ fileId: f.id, label: f.label, html: sanitize(f.html) }];
      if (f.text && textKinds.has(f.kind)) return [{ fileId: f.id, label: f.label, html: textHtml(f.text) }];
      return [];
    }),
  };
}
