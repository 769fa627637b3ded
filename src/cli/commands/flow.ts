import { type Command, UsageError } from '../command.ts';
import { contestId as contestIdOf, withDb } from '../db.ts';
import { BLOCKER_KINDS } from '../../flow/gates.ts';
import { type DecideOn, decideByCode } from '../../flow/store/decide.ts';
import { contestStatus } from '../../flow/store/status.ts';

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const ON: readonly DecideOn[] = ['eligibility', 'similarity', 'suspect'];

export const statusCommand: Command = {
  name: ['status'],
  summary: {
    zh: '竞赛进度：导入 → 形式审查 → 查重 → 评审 → 评奖 → 公示，各阶段状态与待处理事项',
    en: "The contest's way through its stages, each with its state, counts and what is still open",
  },
  usage: 'CONTEST [--json]',
  async run(ctx) {
    const contestId = contestIdOf(ctx.positionals[0]);
    return withDb(ctx.values.db, async (db) => {
      const status = await contestStatus(db, contestId);
      const open = status.open.map((b) => ({ code: b.code, kind: b.kind, message: b.message }));
      if (ctx.json) {
        ctx.printJson({
          contest: status.awards.contest,
          stages: status.stages.map((s) => ({
            key: s.key,
            label: s.label,
            state: s.state,
            stateLabel: s.stateLabel,
            open: s.open,
            counts: s.counts,
            action: s.action.label,
            warning: s.warning,
          })),
          next: status.next,
          open,
        });
        return 0;
      }
      ctx.print(`#${status.awards.contest.id}「${status.awards.contest.name}」`);
      for (const s of status.stages) {
        const counts = s.counts.map((c) => `${c.label} ${c.value}`).join('，');
        ctx.print(`  ${s.label.padEnd(4, '　')}  ${s.stateLabel.padEnd(8, '　')}  ${counts}`);
        if (s.warning) ctx.print(`      注意：${s.warning}`);
      }
      const next = status.stages.find((s) => s.key === status.next);
      ctx.print(next ? `下一步：${next.label} — ${next.action.label}` : '全部阶段已完成。');
      if (open.length) {
        ctx.print(`待处理 ${open.length} 项：`);
        for (const b of open) ctx.print(`  [${BLOCKER_KINDS[b.kind]}] ${b.message}`);
      }
      return 0;
    });
  },
};

export const decideCommand: Command = {
  name: ['decide'],
  summary: {
    zh: '对形式审查、查重或一稿多投作出决定（保留或取消资格，须填写理由，记入日志）',
    en: 'Decide on eligibility, similarity or suspect pairs (keep or disqualify, reason required, audited)',
  },
  usage: 'CONTEST (CODE... | --all-open) --on eligibility|similarity|suspect (--keep | --disqualify) --reason TEXT [--json]',
  options: {
    on: { type: 'string' },
    keep: { type: 'boolean' },
    disqualify: { type: 'boolean' },
    'all-open': { type: 'boolean' },
    reason: { type: 'string' },
  },
  optionHelp: {
    'on KIND': 'eligibility（形式审查）、similarity（查重）或 suspect（一稿多投/相似主题） / what to decide on',
    keep: '保留：审定通过、查重保留、不是同一作品 / keep the entry',
    disqualify: '取消资格（一稿多投时取消所列作品的资格） / disqualify the entry',
    'all-open': '该类每件尚待处理的作品 / every entry with an open item of that kind',
    'reason TEXT': '理由（必填） / reason (required)',
  },
  async run(ctx) {
    const contestId = contestIdOf(ctx.positionals[0]);
    const codes = ctx.positionals.slice(1);
    const on = text(ctx.values.on) as DecideOn | undefined;
    if (!on || !ON.includes(on)) throw new UsageError(`--on 应为 ${ON.join('、')} 之一`);
    if (Boolean(ctx.values.keep) === Boolean(ctx.values.disqualify)) throw new UsageError('须指定 --keep 或 --disqualify 之一');
    const allOpen = Boolean(ctx.values['all-open']);
    if (allOpen === codes.length > 0) throw new UsageError('须列出作品编号 CODE，或指定 --all-open（二者取一）');
    const reason = text(ctx.values.reason) ?? '';
    if (!reason.trim()) throw new UsageError('缺少 --reason TEXT：每项决定都须填写理由');
    return withDb(ctx.values.db, async (db) => {
      const decided = await decideByCode(db, contestId, {
        on,
        keep: Boolean(ctx.values.keep),
        codes: allOpen ? null : codes,
        reason,
        userId: null,
      });
      if (ctx.json) ctx.printJson({ on, decided });
      else if (decided.length === 0) ctx.print('没有待处理的作品。');
      else for (const d of decided) ctx.print(`作品 ${d.code}：${d.decision}${d.partner ? `（与 ${d.partner}）` : ''}`);
      return 0;
    });
  },
};
