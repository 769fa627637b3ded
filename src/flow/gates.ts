import { formatRate } from '../similarity/rate-format.ts';
import type { CheckStatus } from '../eligibility/types.ts';
import { type EntryStatus, VALID_STATUSES } from '../entries/status.ts';
import { TERMS } from '../util/terms.ts';
import { shanghaiMinute } from '../util/time.ts';

/**
 * The gates between the stages of a contest. A valid entry is ranked for awards only when its
 * 形式审查 verdict is pass (or an organizer's decision kept it), its latest 重复率 is under the rule
 * set's threshold (or a decision kept it), every 一稿多投 / 相似主题 suspect pair it belongs to has been
 * decided, and its reviews are complete (the last gate is the awards' own, after scoring). Whatever
 * fails a gate is a blocker: the entry stays out of every band and of the valid-entry denominator,
 * and the blocker says where it is decided. Pure: the store (src/flow/store/) loads the plain data.
 */

export type BlockerKind = 'eligibility' | 'similarity' | 'suspect' | 'review' | 'stale' | 'tie';

/** Chinese names of the kinds, as the pages label them. */
export const BLOCKER_KINDS: Record<BlockerKind, string> = {
  eligibility: TERMS.eligibility,
  similarity: TERMS.similarity,
  suspect: TERMS.suspects,
  review: TERMS.judging,
  stale: '结果过期',
  tie: '边界并列',
};

/** The page where a blocker is decided. */
export type DecidedIn = 'eligibility' | 'similarity' | 'suspects' | 'awards' | 'entries';

export const DECIDED_IN: Record<BlockerKind, DecidedIn> = {
  eligibility: 'eligibility',
  similarity: 'similarity',
  suspect: 'suspects',
  review: 'awards',
  stale: 'eligibility',
  tie: 'awards',
};

export interface Blocker {
  kind: BlockerKind;
  /** Where it is decided. */
  decidedIn: DecidedIn;
  /** The entry concerned (编号); null when the blocker is about the contest or several entries. */
  code: string | null;
  /** Every entry concerned. */
  entryCodes: string[];
  /** Chinese, naming the entry, what is wrong and where it is decided. */
  message: string;
}

export type SimilarityDecisionValue = '保留' | '取消资格';

export interface GateEntry {
  id: number;
  code: string;
  status: EntryStatus;
  /** When the entry was imported (ISO-8601). */
  createdAt: string;
  /** The latest automatic 形式审查 of the entry; null when never checked. */
  eligibility: { verdict: CheckStatus; failed: string[]; warned: string[]; checkedAt: string } | null;
  /** Manual checks (the rule set's `checklist`) not yet confirmed for this entry. */
  openChecks: string[];
  /** Highest 重复率 of the entry's documents in the latest scan; null when none of them was in it. */
  rate: number | null;
  /** The organizer's latest 查重 decision on the entry, with the rate it was made on. */
  similarityDecision: { decision: SimilarityDecisionValue; rate: number | null } | null;
}

/** A current 一稿多投 / 相似主题 suspect pair, by entry codes. */
export interface GateSuspect {
  a: string;
  b: string;
  kind: '一稿多投' | '相似主题';
  decided: boolean;
}

export interface GateInput {
  /** 重复率 at or above this is flagged (the rule set's similarity.threshold). */
  threshold: number;
  /** When the latest finished import finished; null when nothing was imported by an import. */
  latestImportAt: string | null;
  /** The latest finished similarity scan; null when the contest was never scanned. */
  scan: { version: number; startedAt: string } | null;
  /** Every entry of the contest, whatever its status. */
  entries: GateEntry[];
  suspects: GateSuspect[];
}

export interface GateResult {
  /** Entry id → the blockers that keep it out of the bands; only valid entries that fail a gate are here. */
  held: Map<number, Blocker[]>;
  /** Every blocker found, the entries' in code order first, then the contest's. */
  blockers: Blocker[];
}

const listed = (items: string[], max = 3): string =>
  items.length <= max ? items.join('；') : `${items.slice(0, max).join('；')} 等 ${items.length} 项`;

/** Why an entry does not pass 形式审查 yet, or null when it does. */
function eligibilityProblem(e: GateEntry): string | null {
  if (e.status === 'eligible') return null; // the organizer's decision 通过
  if (!e.eligibility) return '尚未形式审查';
  const parts: string[] = [];
  if (e.eligibility.verdict === 'fail') parts.push(`形式审查不通过：${listed(e.eligibility.failed)}`);
  else if (e.eligibility.verdict === 'warn')
    parts.push(`形式审查有 ${e.eligibility.warned.length} 项需核对：${listed(e.eligibility.warned)}`);
  if (e.openChecks.length) parts.push(`人工核查 ${e.openChecks.length} 项未确认：${listed(e.openChecks)}`);
  return parts.length ? parts.join('；') : null;
}

/** Why an entry does not pass 查重 yet, or null when it does. */
function similarityProblem(e: GateEntry, input: GateInput): string | null {
  if (!input.scan) return null; // one contest-level blocker says so
  if (e.rate === null) return e.createdAt > input.scan.startedAt ? `在第 ${input.scan.version} 次查重之后导入，尚未查重` : null;
  if (e.rate < input.threshold) return null;
  const d = e.similarityDecision;
  // A 保留 decision holds while the rate has not risen above the one it was made on.
  if (d?.decision === '保留' && (d.rate === null || d.rate + 1e-9 >= e.rate)) return null;
  const risen = d?.decision === '保留' ? `（保留决定针对的重复率为 ${formatRate(d.rate ?? 0)}，此后已升高）` : '';
  return `重复率 ${formatRate(e.rate)}，达到 ${formatRate(input.threshold)} 的阈值${risen}`;
}

/** Checks every valid entry against the gates before judging's own (reviews), and the contest's runs against its imports. */
export function entryGates(input: GateInput): GateResult {
  const valid = new Set<EntryStatus>(VALID_STATUSES);
  const entries = input.entries.filter((e) => valid.has(e.status)).sort((x, y) => (x.code < y.code ? -1 : x.code > y.code ? 1 : 0));
  const held = new Map<number, Blocker[]>();
  const blockers: Blocker[] = [];
  const hold = (e: GateEntry, kind: BlockerKind, message: string) => {
    const b: Blocker = { kind, decidedIn: DECIDED_IN[kind], code: e.code, entryCodes: [e.code], message: `作品 ${e.code}：${message}` };
    held.set(e.id, [...(held.get(e.id) ?? []), b]);
    blockers.push(b);
  };

  const partners = new Map<string, string[]>();
  for (const s of input.suspects.filter((x) => !x.decided)) {
    partners.set(s.a, [...(partners.get(s.a) ?? []), `${s.kind}·${s.b}`]);
    partners.set(s.b, [...(partners.get(s.b) ?? []), `${s.kind}·${s.a}`]);
  }

  for (const e of entries) {
    const eligibility = eligibilityProblem(e);
    if (eligibility) hold(e, 'eligibility', `${eligibility}；须在形式审查中审定`);
    const similarity = similarityProblem(e, input);
    if (similarity) hold(e, 'similarity', `${similarity}；须在查重中作出保留或取消资格的决定`);
    const pairs = partners.get(e.code);
    if (pairs) hold(e, 'suspect', `与 ${pairs.join('、')} 的嫌疑尚未处理；须在一稿多投与相似主题中决定`);
  }

  if (!input.scan && entries.length) {
    const b: Blocker = {
      kind: 'similarity',
      decidedIn: 'similarity',
      code: null,
      entryCodes: entries.map((e) => e.code),
      message: `尚未查重：${entries.length} 件有效作品无法确认重复率低于 ${formatRate(input.threshold)}，请先在查重中运行查重`,
    };
    for (const e of entries) held.set(e.id, [...(held.get(e.id) ?? []), b]);
    blockers.push(b);
  }
  if (input.latestImportAt) {
    if (input.scan && input.scan.startedAt < input.latestImportAt)
      blockers.push({
        kind: 'stale',
        decidedIn: 'similarity',
        code: null,
        entryCodes: [],
        message: `第 ${input.scan.version} 次查重早于最近一次导入（${shanghaiMinute(input.latestImportAt)}）：请重新查重`,
      });
    const checked = entries.flatMap((e) => (e.status !== 'eligible' && e.eligibility ? [e.eligibility.checkedAt] : []));
    const oldest = checked.sort()[0];
    if (oldest && oldest < input.latestImportAt)
      blockers.push({
        kind: 'stale',
        decidedIn: 'eligibility',
        code: null,
        entryCodes: [],
        message: `形式审查结果早于最近一次导入（${shanghaiMinute(input.latestImportAt)}）：请重新运行形式审查`,
      });
  }
  return { held, blockers };
}
