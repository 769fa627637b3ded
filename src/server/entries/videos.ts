import { isVideoFile, videoSummary } from '../../eligibility/video.ts';
import { probeMp4 } from '../../ingest/media.ts';
import { materialsFor, type RuleSet, videoLimitsFor } from '../../rules/schema.ts';
import type { BlobStore } from '../../storage/blobs.ts';

export interface VideoNote {
  measured: string;
  limits: string;
}

/**
 * The measured duration and picture of an entry's videos whose material the rule set limits (时长
 * 不超过 10 分钟, 1920×1080 …), by file id, for the pages that play them. Read from the stored
 * files' headers, a few reads each.
 */
export async function videoNotes(
  files: readonly { id: number; kind: string; ext: string; sha256: string }[],
  ruleSet: RuleSet,
  entry: { categoryKey: string | null; groupName: string | null },
  blobs: BlobStore,
): Promise<Map<number, VideoNote>> {
  const notes = new Map<number, VideoNote>();
  const category = ruleSet.categories.find((c) => c.key === entry.categoryKey);
  if (!category) return notes;
  const materials = materialsFor(category, entry.groupName);
  for (const f of files.filter(isVideoFile)) {
    const material = materials.find((m) => m.kind === f.kind);
    const limits = material ? videoLimitsFor(category, material) : category.video;
    if (!limits) continue;
    const info = await probeMp4(blobs.path(f.sha256)).catch((err: unknown) => (err instanceof Error ? err.message : String(err)));
    const summary = videoSummary(info, limits);
    if (summary) notes.set(f.id, summary);
  }
  return notes;
}
