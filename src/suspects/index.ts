/**
 * 一稿多投 and 相似主题: the same work or topic entered twice, beyond copied text.
 *
 *   fold.ts, words.ts, vectors.ts  folding, Chinese words (jieba), TF-IDF vectors over the contest
 *   names.ts        authors as people (namesakes told apart by unit)
 *   titles.ts       what a title is about, without stock words
 *   attachments.ts  which identical files are evidence, and how strong
 *   overlaps.ts     entry-level text overlaps from the similarity engine
 *   signals.ts      the signals between two entries with their evidence, and how they combine
 *   topics.ts       topic profiles: hashed character bigrams of each document
 *   detect.ts       candidate pairs through inverted indexes, and the suspects
 *
 * The edges: folder.ts (a folder scan's suspects: hashes files, reads the layout) and
 * store.ts (a contest's suspects and the organizer's decisions, in the database).
 */
export type { AttachmentInput } from './attachments.ts';
export type { AuthorInput } from './names.ts';
export { entryTextOverlaps, type TextOverlap } from './overlaps.ts';
export type { SignalStrengths, SuspectEntry, SuspectKind } from './signals.ts';
export { DEFAULT_SUSPECT_OPTIONS, findSuspects, type Suspect, type SuspectOptions } from './detect.ts';
