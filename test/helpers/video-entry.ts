import fs from 'node:fs';
import { contestCategories, createContest } from '../../src/contests/index.ts';
import { type Db, nowIso } from '../../src/db/connect.ts';
import type { BlobStore } from '../../src/storage/blobs.ts';

/** A real eight-second H.264 数字故事 (test/fixtures/media/README.md). */
export const DIGITAL_STORY = fs.readFileSync('test/fixtures/media/digital-story.mp4');
/** The author the blind pages must never show. */
export const STORY_AUTHOR = '欧阳明月';
const RULES = 'rules/fujian-platform-cases-training-and-scenarios.yaml';

/**
 * A blind contest of the 福建 notice (created by `organizerId`) with one 创新场景应用 entry whose
 * 数字故事 is stored under its author's name, assigned to `expertId`.
 */
export async function seedVideoEntry(db: Db, blobs: BlobStore, users: { expertId: number; organizerId: number | null }) {
  const { expertId, organizerId } = users;
  const rulesYaml = fs.readFileSync(RULES, 'utf8');
  const contestId = await createContest(db, { rulesYaml, rulesSource: 'fujian.yaml', userId: organizerId });
  const category = (await contestCategories(db, contestId)).find((c) => c.key === 'innovative-scenarios');
  if (!category) throw new Error('category innovative-scenarios missing');
  const now = nowIso();
  const { id: entryId } = await db
    .insertInto('entries')
    .values({
      contest_id: contestId,
      category_id: category.id,
      code: 'FJ-0001',
      title: '平台助学新场景',
      group_name: '区域应用案例',
      status: 'submitted',
      source_path: `${STORY_AUTHOR}/创新场景应用/平台助学新场景`,
      category_label: null,
      batch_id: null,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('authors')
    .values({
      entry_id: entryId,
      position: 1,
      name: STORY_AUTHOR,
      unit: '城关第一小学',
      county: '城关区',
      title: null,
      phone: null,
      role: null,
    })
    .execute();
  const story = await blobs.put(DIGITAL_STORY);
  const { id: storyId } = await db
    .insertInto('files')
    .values({
      entry_id: entryId,
      original_path: `${STORY_AUTHOR}的数字故事.mp4`,
      name: `${STORY_AUTHOR}的数字故事.mp4`,
      kind: '数字故事',
      ext: 'mp4',
      size: story.size,
      sha256: story.sha256,
      mime: 'video/mp4',
      text: null,
      html: null,
      error: null,
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const { id: assignmentId } = await db
    .insertInto('assignments')
    .values({ contest_id: contestId, entry_id: entryId, expert_id: expertId, status: 'active', reason: null, created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { contestId, entryId, storyId, assignmentId };
}
