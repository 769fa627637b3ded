import { type Db, TEXTS_PER_READ, yieldToServer } from '../../db/connect.ts';
import { inChunks } from '../../util/chunks.ts';
import { sha256Of } from '../../storage/blobs.ts';

/**
 * The documents of a contest's scan: every readable entry file of the ranked kinds (entries not
 * withdrawn) and every library document, identified without their text.
 */
export interface CorpusMember {
  /** The engine's document id: `f<file id>` or `l<library id>`. */
  key: string;
  library: boolean;
  /** files.id or similarity_library.id */
  id: number;
  entryId: number | null;
  sha256: string;
  category: string | null;
  createdAt: string;
}

export const fileKey = (fileId: number): string => `f${fileId}`;
export const libraryKey = (libraryId: number): string => `l${libraryId}`;

/** The kind and row id a document key stands for. */
export function parseKey(key: string): { library: boolean; id: number } {
  return { library: key.startsWith('l'), id: Number(key.slice(1)) };
}

/** What makes a member the same document for the scan: a changed file or category is a different one. */
export const identity = (m: CorpusMember): string => `${m.key}:${m.sha256}:${m.category ?? ''}`;

/** Hash of the whole corpus, in scan order. */
export const corpusSignature = (members: readonly CorpusMember[]): string => sha256Of(Buffer.from(members.map(identity).join('\n')));

/**
 * The members in scan order: by when they were stored, so a later import or upload only
 * appends, and the previous scan's corpus can be extended instead of rebuilt.
 */
export async function listMembers(db: Db, contestId: number, documentKinds: readonly string[]): Promise<CorpusMember[]> {
  const [files, library] = await Promise.all([
    documentKinds.length === 0
      ? []
      : db
          .selectFrom('files as f')
          .innerJoin('entries as e', 'e.id', 'f.entry_id')
          .leftJoin('categories as c', 'c.id', 'e.category_id')
          .select(['f.id', 'f.entry_id', 'f.sha256', 'f.created_at', 'c.name as category', 'e.category_label'])
          .where('e.contest_id', '=', contestId)
          .where('e.status', '!=', 'withdrawn')
          .where('f.kind', 'in', [...documentKinds])
          .where('f.text', 'is not', null)
          .execute(),
    db
      .selectFrom('similarity_library')
      .select(['id', 'sha256', 'created_at'])
      .where('contest_id', '=', contestId)
      .where('role', '=', 'library')
      .execute(),
  ]);
  const members: CorpusMember[] = [
    ...files.map((f) => ({
      key: fileKey(f.id),
      library: false,
      id: f.id,
      entryId: f.entry_id,
      sha256: f.sha256,
      category: f.category ?? f.category_label ?? null,
      createdAt: f.created_at,
    })),
    ...library.map((l) => ({
      key: libraryKey(l.id),
      library: true,
      id: l.id,
      entryId: null,
      sha256: l.sha256,
      category: null,
      createdAt: l.created_at,
    })),
  ];
  return members.sort((x, y) =>
    x.createdAt < y.createdAt ? -1 : x.createdAt > y.createdAt ? 1 : Number(x.library) - Number(y.library) || x.id - y.id,
  );
}

/** Texts of the given members, by key. */
export async function loadTexts(db: Db, members: readonly CorpusMember[]): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  const fileIds = members.filter((m) => !m.library).map((m) => m.id);
  const libraryIds = members.filter((m) => m.library).map((m) => m.id);
  for (const ids of inChunks(fileIds, TEXTS_PER_READ)) {
    for (const f of await db.selectFrom('files').select(['id', 'text']).where('id', 'in', ids).execute())
      texts.set(fileKey(f.id), f.text ?? '');
    await yieldToServer();
  }
  for (const ids of inChunks(libraryIds, TEXTS_PER_READ)) {
    for (const l of await db.selectFrom('similarity_library').select(['id', 'text']).where('id', 'in', ids).execute())
      texts.set(libraryKey(l.id), l.text);
    await yieldToServer();
  }
  return texts;
}

export interface UnreadableDocument {
  entryId: number;
  code: string;
  title: string;
  fileName: string;
  error: string | null;
}

/** Files of the ranked kinds whose text could not be extracted: they are not in the scan. */
export async function unreadableDocuments(db: Db, contestId: number, documentKinds: readonly string[]): Promise<UnreadableDocument[]> {
  if (documentKinds.length === 0) return [];
  const rows = await db
    .selectFrom('files as f')
    .innerJoin('entries as e', 'e.id', 'f.entry_id')
    .select(['e.id as entryId', 'e.code', 'e.title', 'f.name as fileName', 'f.error'])
    .where('e.contest_id', '=', contestId)
    .where('e.status', '!=', 'withdrawn')
    .where('f.kind', 'in', [...documentKinds])
    .where('f.text', 'is', null)
    .orderBy('e.code')
    .execute();
  return rows;
}
