/**
 * What an expert may see of an entry. Pure: the scoring screen builds it from database rows.
 * In a blind contest (盲评) nothing that names the authors leaves the server: no author rows, no
 * folder or file paths (they carry 学校+教师姓名), no registration forms (信息表), and stored
 * file names are replaced by neutral labels. Text the authors typed into their own documents is
 * the eligibility check's business (anonymity warning), not this module's.
 */

export interface ExpertViewInput {
  blind: boolean;
  authors: { name: string; unit: string | null; county: string | null }[];
  /** The entry's files in display order (main case document first); `ext` without the dot, as ingestion stores it. */
  files: { id: number; original_path: string; kind: string; ext: string; size: number; html: string | null }[];
}

export interface ExpertFile {
  id: number;
  label: string;
  kind: string;
  size: number;
  /** Videos always (they cannot be shown inline); other files only when the contest is not blind. */
  downloadable: boolean;
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

export const isVideo = (kind: string): boolean => kind === '视频';

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
  return {
    authors: input.blind ? null : input.authors,
    files: labelled.map((f) => ({ id: f.id, label: f.label, kind: f.kind, size: f.size, downloadable: isVideo(f.kind) || !input.blind })),
    documents: labelled.flatMap((f) => (f.html ? [{ fileId: f.id, label: f.label, html: sanitize(f.html) }] : [])),
  };
}
