import fs from 'node:fs/promises';
import path from 'node:path';
import { type Command, type CommandContext, UsageError } from '../command.ts';
import { contestId as contestIdOf, withDb } from '../db.ts';
import { entriesInBand, type ContestAwards } from '../../awards/contest.ts';
import { contestAwards } from '../../awards/store/contest.ts';
import { publish } from '../../awards/store/publication.ts';
import { entryIdByCode, setAwardOverride } from '../../awards/store/overrides.ts';
import { EXPORT_FORMATS, EXPORT_NAMES, type ExportFormat, exportAwards } from '../../exports/index.ts';
import { BLOCKER_KINDS } from '../../flow/gates.ts';

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The JSON of `awards --json`: bands from the best down, entries in rank order. */
export function awardsJson(awards: ContestAwards) {
  return {
    contest: awards.contest,
    canFinalize: awards.canFinalize,
    groups: awards.groups.map((g) => ({
      category: g.category,
      categoryKey: g.categoryKey,
      group: g.group,
      valid: g.valid,
      held: g.held,
      denominator: g.denominator,
      derivation: g.derivation,
      bands: g.bands.map((b) => ({
        name: b.name,
        cap: b.cap,
        count: b.count,
        entries: entriesInBand(g, b.name).map((e) => ({ code: e.code, title: e.title, score: e.score })),
      })),
      ties: g.ties.map((t) => ({
        rank: t.rank,
        upperBand: t.upperBand,
        lowerBand: t.lowerBand,
        entries: t.entryIds,
        seatsLeft: t.seatsLeft,
        resolved: t.resolved,
        message: t.message,
      })),
    })),
    quotas: awards.quotas.map((q) => ({
      name: q.name,
      units: q.units.map((u) => ({
        unit: u.unit,
        quota: u.quota,
        candidates: u.candidates,
        recommended: u.recommended,
        ties: u.ties.map((t) => t.message),
      })),
      exempt: q.exempt,
    })),
    blockers: awards.blockers.map((b) => ({ code: b.code, kind: b.kind, message: b.message })),
    warnings: awards.warnings,
  };
}

function printAwards(ctx: CommandContext, awards: ContestAwards): void {
  ctx.print(`#${awards.contest.id}「${awards.contest.name}」评奖结果（${awards.scoring.note}）`);
  for (const g of awards.groups) {
    ctx.print('');
    const title = `【${g.category}${g.group ? ` · ${g.group}` : ''}】`;
    if (g.valid === 0 && g.held === 0) {
      ctx.print(`${title}无有效作品`);
      continue;
    }
    ctx.print(`${title}有效作品 ${g.valid} 件，已有得分 ${g.scored} 件${g.held ? `，另有 ${g.held} 件待处理` : ''}`);
    ctx.print(`  ${g.derivation}`);
    for (const b of g.bands) {
      ctx.print(`  ${b.name}（名额 ${b.cap}，实际 ${b.count}${b.overCap ? '，超出名额' : ''}）`);
      for (const e of entriesInBand(g, b.name)) {
        const note = e.override ? `  ［调整：${e.override.reason}］` : '';
        ctx.print(
          `    第${String(e.rank).padStart(3)}名  ${e.code.padEnd(10)} ${(e.score?.toFixed(2) ?? '—').padStart(6)}  ${e.title}${note}`,
        );
      }
    }
    for (const t of g.ties) ctx.print(`  ${t.resolved ? '已决定' : '待决定'}：${t.message}（${t.entryIds.join('、')}）`);
  }
  for (const q of awards.quotas) {
    ctx.print('');
    ctx.print(`【${q.name}】`);
    for (const u of q.units) ctx.print(`  ${u.derivation}：${u.recommended.join('、') || '无'}`);
    if (q.exempt.length) ctx.print(`  不占用名额：${q.exempt.join('、')}`);
  }
  ctx.print('');
  if (awards.canFinalize) ctx.print('没有未解决的问题，可以公示。');
  else {
    ctx.print(`未解决的问题 ${awards.blockers.length} 项（公示前须处理，或公示时填写理由）：`);
    for (const b of awards.blockers) ctx.print(`  [${BLOCKER_KINDS[b.kind]}] ${b.message}`);
  }
  for (const w of awards.warnings) ctx.print(`注意：${w}`);
}

export const awardsCommand: Command = {
  name: ['awards'],
  summary: {
    zh: '计算并显示各类别的奖项、名额计算与边界并列',
    en: 'Compute and show award bands per category, cap derivation and boundary ties',
  },
  usage: 'CONTEST [--json]',
  async run(ctx) {
    const contestId = contestIdOf(ctx.positionals[0]);
    return withDb(ctx.values.db, async (db) => {
      const awards = await contestAwards(db, contestId);
      if (ctx.json) ctx.printJson(awardsJson(awards));
      else printAwards(ctx, awards);
      return 0;
    });
  },
};

export const awardsAdjustCommand: Command = {
  name: ['awards', 'adjust'],
  summary: { zh: '调整某件作品的奖项（须填写理由，记入日志）', en: "Set an entry's award band by hand (reason required, audited)" },
  usage: 'CONTEST CODE (--band NAME | --none) --reason TEXT',
  options: { band: { type: 'string' }, none: { type: 'boolean' }, reason: { type: 'string' } },
  optionHelp: {
    'band NAME': '目标奖项，如 一等奖 / target band',
    none: '不获奖 / no award',
    'reason TEXT': '调整理由（必填） / reason (required)',
  },
  async run(ctx) {
    const contestId = contestIdOf(ctx.positionals[0]);
    const code = ctx.positionals[1];
    if (!code) throw new UsageError('缺少作品编号 CODE');
    const band = text(ctx.values.band);
    if ((band === undefined) === !ctx.values.none) throw new UsageError('须指定 --band NAME 或 --none 之一');
    const reason = text(ctx.values.reason) ?? '';
    if (!reason.trim()) throw new UsageError('缺少 --reason TEXT：调整奖项必须填写理由');
    return withDb(ctx.values.db, async (db) => {
      const entryId = await entryIdByCode(db, contestId, code);
      await setAwardOverride(db, { contestId, entryId, kind: 'band', value: band ?? null, reason, userId: null });
      if (ctx.json) ctx.printJson({ ok: true, code, band: band ?? null });
      else ctx.print(`作品 ${code} 已调整为${band ?? '不获奖'}`);
      return 0;
    });
  },
};

export const publishCommand: Command = {
  name: ['publish'],
  summary: { zh: '公示：冻结当前获奖名单为新版本（带校验码）', en: 'Publish: freeze the current award list as a new hashed version' },
  usage: 'CONTEST [--reason TEXT] [--json]',
  options: { reason: { type: 'string' } },
  optionHelp: { 'reason TEXT': '再次公示或仍有未解决问题时必填 / required for later versions or with open problems' },
  async run(ctx) {
    const contestId = contestIdOf(ctx.positionals[0]);
    return withDb(ctx.values.db, async (db) => {
      const p = await publish(db, contestId, null, text(ctx.values.reason));
      if (ctx.json) ctx.printJson(p);
      else ctx.print(`已公示第 ${p.version} 版（${p.publishedAt}），SHA-256 ${p.sha256}`);
      return 0;
    });
  },
};

export const exportCommand: Command = {
  name: ['export'],
  summary: {
    zh: '导出获奖名单（Word 或 Excel，公文附件格式）、评奖工作簿或评分明细',
    en: 'Export the award list (Word or Excel, as an official attachment), the internal award workbook or the score details',
  },
  usage: 'CONTEST --out FILE(.docx|.xlsx|.csv) [--workbook | --details [--comments]] [--csv] [--version N]',
  options: {
    out: { type: 'string' },
    csv: { type: 'boolean' },
    workbook: { type: 'boolean' },
    details: { type: 'boolean' },
    comments: { type: 'boolean' },
    version: { type: 'string' },
  },
  optionHelp: {
    'out FILE': '输出文件；.docx 为 Word 获奖名单 / output file; .docx writes the list in Word',
    workbook: '评奖工作簿（含编号、得分、名额计算，内部使用） / the internal award workbook (codes, scores, derivations)',
    details: '评分明细（每件作品、每位专家、每个评分项） / score details',
    csv: 'CSV（UTF-8 带 BOM）代替 .xlsx，用于评奖工作簿或评分明细 / CSV instead of .xlsx, for the workbook or the details',
    comments: '评分明细中包含评语 / include comments in the details',
    'version N': '导出第 N 版公示的冻结数据 / export published version N as frozen',
  },
  async run(ctx) {
    const contestId = contestIdOf(ctx.positionals[0]);
    const out = text(ctx.values.out);
    if (!out) throw new UsageError('缺少 --out FILE');
    const rawVersion = text(ctx.values.version);
    const version = rawVersion === undefined ? undefined : Number(rawVersion);
    if (version !== undefined && (!Number.isInteger(version) || version <= 0)) throw new UsageError(`--version 应为正整数：${rawVersion}`);
    if (ctx.values.comments && !ctx.values.details) throw new UsageError('--comments 只用于 --details 评分明细');
    if (ctx.values.workbook && ctx.values.details) throw new UsageError('--workbook 与 --details 只能选一个');
    const extension = path.extname(out).slice(1).toLowerCase();
    const format: ExportFormat = ctx.values.csv || extension === 'csv' ? 'csv' : extension === 'docx' ? 'docx' : 'xlsx';
    // The official list is a document (Word or Excel); as CSV the same rows come with their codes and scores.
    const kind = ctx.values.details ? 'details' : ctx.values.workbook || format === 'csv' ? 'workbook' : 'list';
    if (!EXPORT_FORMATS[kind].includes(format)) {
      throw new UsageError(`${EXPORT_NAMES[kind]}不能导出为 .${format}`);
    }
    return withDb(ctx.values.db, async (db) => {
      const file = await exportAwards(db, contestId, { kind, format, comments: Boolean(ctx.values.comments), version });
      await fs.mkdir(path.dirname(path.resolve(out)), { recursive: true });
      await fs.writeFile(out, file.body);
      if (ctx.json) ctx.printJson({ ok: true, out, bytes: file.body.length });
      else ctx.print(`已导出 ${out}（${file.body.length} 字节）`);
      return 0;
    });
  },
};
