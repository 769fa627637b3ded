import { TERMS } from '../util/terms.ts';
import type { Blocker, BlockerKind } from './gates.ts';

/**
 * The contest's way through: 导入 → 形式审查 → 查重 → 评审 → 评奖 → 公示, each stage with its state, its key
 * counts and the next action, computed from plain facts (src/flow/store/status.ts gathers them). A stage may
 * be started early; the stage then says what it skips.
 */

export type StageKey = 'import' | 'eligibility' | 'similarity' | 'judging' | 'awards' | 'publication';
export type StageState = 'not-started' | 'in-progress' | 'done' | 'open';

export const STAGE_STATES: Record<StageState, string> = {
  'not-started': '未开始',
  'in-progress': '进行中',
  done: '已完成',
  open: '有待处理',
};

export interface StageAction {
  label: string;
  /** Path under /contests/:id. */
  path: string;
}

export interface Stage {
  key: StageKey;
  label: string;
  state: StageState;
  /** Chinese: 未开始 / 进行中 / 已完成 / 有待处理 N 项. */
  stateLabel: string;
  /** Items waiting for a decision in this stage (0 unless the state is open). */
  open: number;
  counts: { label: string; value: number | string }[];
  action: StageAction;
  /** What starting this stage now skips, in Chinese; null when nothing. */
  warning: string | null;
}

export interface FlowFacts {
  entries: { total: number; valid: number; files: number };
  importRunning: boolean;
  eligibility: { checked: number; pass: number; warn: number; fail: number; decided: number; unchecked: number; openChecks: number };
  similarity: { scanVersion: number | null; scanRunning: boolean; flagged: number; suspects: number; suspectsOpen: number };
  judging: { assignments: number; submitted: number; entriesMissing: number };
  /** The awards' blockers (gates, judging, ties); the stages take theirs by kind. */
  blockers: Blocker[];
  awards: { banded: number; canFinalize: boolean };
  publication: { versions: number; latestAt: string | null };
}

export interface ContestFlow {
  stages: Stage[];
  /** The first stage not done, whose action is the next step; null when all are. */
  next: StageKey | null;
  /** Everything still open, as the awards list it. */
  open: Blocker[];
}

const count = (blockers: readonly Blocker[], ...kinds: BlockerKind[]) => blockers.filter((b) => kinds.includes(b.kind)).length;
const staleOf = (blockers: readonly Blocker[], decidedIn: Blocker['decidedIn']) =>
  blockers.filter((b) => b.kind === 'stale' && b.decidedIn === decidedIn).length;

function stage(key: StageKey, label: string, state: StageState, open: number, rest: Pick<Stage, 'counts' | 'action' | 'warning'>): Stage {
  const stateLabel = state === 'open' ? `有待处理 ${open} 项` : STAGE_STATES[state];
  return { key, label, state, stateLabel, open: state === 'open' ? open : 0, ...rest };
}

/** The six stages of a contest from its facts. */
export function contestFlow(f: FlowFacts): ContestFlow {
  const b = f.blockers;
  const e = f.eligibility;
  const s = f.similarity;
  const j = f.judging;
  const eligibilityOpen = count(b, 'eligibility') + staleOf(b, 'eligibility');
  const similarityOpen = b.filter((x) => x.kind === 'similarity' && x.code !== null).length + staleOf(b, 'similarity');
  const suspectOpen = s.suspectsOpen;
  const reviewOpen = count(b, 'review');

  const stages: Stage[] = [
    stage('import', TERMS.imports, f.importRunning ? 'in-progress' : f.entries.total ? 'done' : 'not-started', 0, {
      counts: [
        { label: '作品', value: f.entries.total },
        { label: '文件', value: f.entries.files },
      ],
      action: { label: f.entries.total ? '导入更多作品' : '导入作品', path: '/imports' },
      warning: null,
    }),
    stage(
      'eligibility',
      TERMS.eligibility,
      e.checked === 0 && e.decided === 0 ? 'not-started' : eligibilityOpen ? 'open' : e.unchecked ? 'in-progress' : 'done',
      eligibilityOpen,
      {
        counts: [
          { label: '通过', value: e.pass },
          { label: '需核对', value: e.warn },
          { label: '不通过', value: e.fail },
          { label: '未检查', value: e.unchecked },
          { label: '人工核查未确认', value: e.openChecks },
          { label: '已审定', value: e.decided },
        ],
        action: e.checked === 0 ? { label: '运行形式审查', path: '/eligibility' } : { label: '审定待处理作品', path: '/eligibility' },
        warning: f.entries.total === 0 ? '还没有导入作品' : null,
      },
    ),
    stage(
      'similarity',
      TERMS.similarity,
      s.scanRunning ? 'in-progress' : s.scanVersion === null ? 'not-started' : similarityOpen + suspectOpen ? 'open' : 'done',
      similarityOpen + suspectOpen,
      {
        counts: [
          { label: '查重次数', value: s.scanVersion ?? 0 },
          { label: '达到阈值', value: s.flagged },
          { label: '一稿多投/相似主题嫌疑', value: s.suspects },
          { label: '嫌疑未处理', value: s.suspectsOpen },
        ],
        action:
          s.scanVersion === null || staleOf(b, 'similarity')
            ? { label: '运行查重', path: '/similarity' }
            : similarityOpen
              ? { label: '处理超过阈值的作品', path: '/similarity?flagged=true' }
              : { label: '处理一稿多投嫌疑', path: '/suspects' },
        warning: e.unchecked ? `尚有 ${e.unchecked} 件作品未经形式审查` : null,
      },
    ),
    stage(
      'judging',
      TERMS.judging,
      j.assignments === 0 ? 'not-started' : j.entriesMissing ? 'in-progress' : reviewOpen ? 'open' : 'done',
      reviewOpen,
      {
        counts: [
          { label: '评审分配', value: j.assignments },
          { label: '已提交评审', value: j.submitted },
          { label: '评审未齐的作品', value: j.entriesMissing },
        ],
        action: j.assignments === 0 ? { label: '分配专家', path: '/assignments' } : { label: '查看评审进度', path: '/progress' },
        warning: judgingWarning(e.unchecked, s.scanVersion),
      },
    ),
    stage(
      'awards',
      TERMS.awards,
      f.awards.banded === 0 && f.blockers.length === 0 ? 'not-started' : f.awards.canFinalize ? 'done' : 'open',
      f.blockers.length,
      {
        counts: [
          { label: '获奖作品', value: f.awards.banded },
          { label: '待处理', value: f.blockers.length },
        ],
        action: { label: f.awards.canFinalize ? '查看评奖结果' : '处理评奖前的问题', path: '/awards' },
        warning: null,
      },
    ),
    stage('publication', TERMS.publications, f.publication.versions ? 'done' : 'not-started', 0, {
      counts: [{ label: '公示版本', value: f.publication.versions }],
      action: { label: f.publication.versions ? '查看公示' : '公示获奖名单', path: '/awards/publications' },
      warning: f.publication.versions === 0 && !f.awards.canFinalize ? `尚有 ${f.blockers.length} 项问题未处理，公示须填写理由` : null,
    }),
  ];
  return { stages, next: stages.find((x) => x.state !== 'done')?.key ?? null, open: f.blockers };
}

/** What assigning experts now skips: entries not yet through 形式审查, or a contest never scanned. */
export function judgingWarning(unchecked: number, scanVersion: number | null): string | null {
  const skipped = [...(unchecked ? [`${unchecked} 件作品尚未经形式审查`] : []), ...(scanVersion === null ? ['尚未查重'] : [])];
  return skipped.length ? `现在分配专家将跳过：${skipped.join('；')}。这些作品的评审可能因不合格或重复而作废。` : null;
}
