import type { EntryScore } from './aggregate.ts';

/** The organizer lets an entry through despite missing reviews or a discrepancy flag. */
export interface BlockerOverride {
  entryId: string;
  reason: string;
}

export interface FinalizationBlocker {
  entryId: string;
  missingReviews: number;
  discrepancy: boolean;
  /** Chinese, naming the entry and what is wrong. */
  message: string;
  /** The organizer's reason when overridden. */
  overrideReason: string | null;
}

export interface FinalizationCheck {
  canFinalize: boolean;
  /** Entries still blocking finalization. */
  blockers: FinalizationBlocker[];
  /** Entries that would block but were let through with a reason. */
  overridden: FinalizationBlocker[];
}

/**
 * Names the entries that keep the awards from being finalized: missing reviews or a discrepancy flag.
 * An override for an entry that no longer blocks (e.g. the missing review arrived) is simply unused.
 */
export function finalizationBlockers(scores: readonly EntryScore[], overrides: readonly BlockerOverride[] = []): FinalizationCheck {
  const reasons = new Map<string, string>();
  for (const o of overrides) {
    if (o.reason.trim() === '') throw new Error(`放行作品 ${o.entryId} 必须填写理由`);
    reasons.set(o.entryId, o.reason.trim());
  }
  const all = scores
    .filter((s) => s.missingReviews > 0 || s.discrepancy)
    .map((s): FinalizationBlocker => {
      const problems = [
        ...(s.missingReviews > 0 ? [`缺少 ${s.missingReviews} 份评审`] : []),
        ...(s.discrepancy ? [`评分差异过大（最高与最低相差 ${s.spread} 分）`] : []),
      ];
      return {
        entryId: s.entryId,
        missingReviews: s.missingReviews,
        discrepancy: s.discrepancy,
        message: `作品 ${s.entryId}：${problems.join('；')}`,
        overrideReason: reasons.get(s.entryId) ?? null,
      };
    });
  const blockers = all.filter((b) => b.overrideReason === null);
  return { canFinalize: blockers.length === 0, blockers, overridden: all.filter((b) => b.overrideReason !== null) };
}
