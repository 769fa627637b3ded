import fsp from 'node:fs/promises';
import path from 'node:path';
import { audit } from '../../audit/log.ts';
import { type Db, nowIso } from '../../db/connect.ts';
import type { SimilarityRole } from '../../db/schema.ts';
import { ArchiveRefused, type ArchiveLimits, unpackArchive } from '../../ingest/archive.ts';
import { extractTextOnThread } from '../../workers/documents.ts';
import { junkReason } from '../../ingest/layout.ts';
import { sha256Of } from '../../storage/blobs.ts';

/**
 * The contest's library (earlier years' award-winning documents, references: compared against,
 * never ranked) and its templates (the notice, the official forms: their text is not counted).
 * Only the extracted text is kept; the scan reads nothing else.
 */

const DOCUMENT_EXTENSIONS = ['.docx', '.doc', '.pdf', '.txt'];
const ARCHIVE_EXTENSIONS = ['.zip', '.rar'];
/** What an upload may be: one document, or a .zip/.rar of them. */
export const LIBRARY_UPLOAD_EXTENSIONS = [...DOCUMENT_EXTENSIONS, ...ARCHIVE_EXTENSIONS];

/** A library is a few hundred documents, not a county's batch of videos: their texts are all read before they are stored. */
const LIBRARY_ARCHIVE_LIMITS: Partial<ArchiveLimits> = { maxFiles: 5_000, maxFileBytes: 64 * 1024 ** 2, maxTotalBytes: 512 * 1024 ** 2 };

export interface LibraryUploadResult {
  added: string[];
  /** Already in the library (same content). */
  duplicates: string[];
  /** Files that could not be used, each with a Chinese reason. */
  errors: { path: string; message: string }[];
}

export interface LibraryDocument {
  id: number;
  role: SimilarityRole;
  name: string;
  size: number;
  chars: number;
  by: string | null;
  createdAt: string;
}

/** Text of one document, or the Chinese reason it has none to compare. */
async function readableText(data: Buffer, name: string): Promise<{ text: string } | { error: string }> {
  const extracted = await extractTextOnThread(data, path.basename(name));
  if (extracted.error) return { error: extracted.error };
  if (extracted.text === null) return { error: '不是可读取文字的文档' };
  if (!/[\p{L}\p{N}]/u.test(extracted.text)) return { error: '文档中没有可查重的文字' };
  return { text: extracted.text };
}

/**
 * Adds an uploaded file (stored at `file.path`) to the library or the templates: one document, or
 * every document inside a .zip/.rar (unpacked under `workDir`). Unreadable files are reported and
 * the rest added; the same content twice is kept once. A refused archive throws.
 */
export async function addLibraryUpload(
  db: Db,
  contestId: number,
  role: SimilarityRole,
  file: { name: string; path: string },
  userId: number | null,
  workDir: string,
): Promise<LibraryUploadResult> {
  const result: LibraryUploadResult = { added: [], duplicates: [], errors: [] };
  const documents: { name: string; abs: string }[] = [];
  // by name: a .docx is a zip too
  if (ARCHIVE_EXTENSIONS.includes(path.extname(file.name).toLowerCase())) {
    const target = path.join(workDir, 'unpacked');
    let unpacked: Awaited<ReturnType<typeof unpackArchive>>;
    try {
      unpacked = await unpackArchive(file.path, target, LIBRARY_ARCHIVE_LIMITS);
    } catch (err) {
      if (err instanceof ArchiveRefused) throw new Error(err.message);
      throw err;
    }
    result.errors.push(...unpacked.problems.map((p) => ({ path: `${file.name}/${p.path}`, message: p.message })));
    for (const rel of unpacked.files.sort()) {
      if (junkReason(rel)) continue;
      const name = `${file.name}/${rel}`;
      if (DOCUMENT_EXTENSIONS.includes(path.extname(rel).toLowerCase())) documents.push({ name, abs: path.join(target, rel) });
      else result.errors.push({ path: name, message: `不是可比对的文档（支持 ${DOCUMENT_EXTENSIONS.join('、')}）` });
    }
  } else {
    documents.push({ name: file.name, abs: file.path });
  }

  const readable: { name: string; text: string; sha256: string; size: number }[] = [];
  for (const d of documents) {
    const data = await fsp.readFile(d.abs);
    const read = await readableText(data, d.name);
    if ('error' in read) result.errors.push({ path: d.name, message: read.error });
    else readable.push({ name: d.name, text: read.text, sha256: sha256Of(data), size: data.length });
  }

  result.errors.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  await db.transaction().execute(async (trx) => {
    const now = nowIso();
    const seen = new Set<string>();
    for (const d of readable) {
      const known =
        seen.has(d.sha256) ||
        (await trx
          .selectFrom('similarity_library')
          .select('id')
          .where('contest_id', '=', contestId)
          .where('role', '=', role)
          .where('sha256', '=', d.sha256)
          .executeTakeFirst());
      seen.add(d.sha256);
      if (known) {
        result.duplicates.push(d.name);
        continue;
      }
      await trx
        .insertInto('similarity_library')
        .values({
          contest_id: contestId,
          role,
          name: d.name,
          sha256: d.sha256,
          size: d.size,
          text: d.text,
          user_id: userId,
          created_at: now,
        })
        .execute();
      result.added.push(d.name);
    }
    if (result.added.length) {
      await audit(trx, {
        userId,
        contestId,
        action: `similarity.${role}.add`,
        subjectType: 'contest',
        subjectId: contestId,
        newValue: { upload: file.name, added: result.added },
      });
    }
  });
  return result;
}

export async function listLibrary(db: Db, contestId: number): Promise<LibraryDocument[]> {
  const rows = await db
    .selectFrom('similarity_library as l')
    .leftJoin('users as u', 'u.id', 'l.user_id')
    .select((eb) => [
      'l.id',
      'l.role',
      'l.name',
      'l.size',
      'l.created_at',
      'u.display_name',
      eb.fn<number>('length', ['l.text']).as('chars'),
    ])
    .where('l.contest_id', '=', contestId)
    .orderBy('l.role')
    .orderBy('l.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    role: r.role,
    name: r.name,
    size: Number(r.size),
    chars: Number(r.chars),
    by: r.display_name,
    createdAt: r.created_at,
  }));
}

/** Removes a library document or template; the next scan compares without it. */
export async function removeLibraryDocument(db: Db, contestId: number, id: number, userId: number | null): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('similarity_library')
      .select(['role', 'name'])
      .where('id', '=', id)
      .where('contest_id', '=', contestId)
      .executeTakeFirst();
    if (!row) throw new Error('该文档不在本竞赛的比对库中');
    await trx.deleteFrom('similarity_library').where('id', '=', id).execute();
    await audit(trx, {
      userId,
      contestId,
      action: `similarity.${row.role}.remove`,
      subjectType: 'similarity_library',
      subjectId: id,
      oldValue: { name: row.name },
    });
  });
}
