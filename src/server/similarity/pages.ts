import { formatRate } from '../../similarity/rate-format.ts';
import type { Db } from '../../db/connect.ts';
import type { Contest, Job, SimilarityRun } from '../../db/schema.ts';
import { latestDecisions, listDecisions, type StoredDecision } from '../../similarity/store/decisions.ts';
import { listExclusions } from '../../similarity/store/exclusions.ts';
import { listLibrary, type LibraryUploadResult } from '../../similarity/store/library.ts';
import { unreadableDocuments } from '../../similarity/store/members.ts';
import {
  type DocInfo,
  describeDocuments,
  type Freshness,
  freshness,
  getPair,
  getRun,
  latestRun,
  countCommon,
  countPairs,
  listCommon,
  listPairs,
  listReports,
  listRuns,
  type PairRow,
  type ReportRow,
  reportsByKey,
  runRates,
  scannedText,
} from '../../similarity/store/queries.ts';
import { HttpError } from '../http-error.ts';
import { highlight } from './highlight.ts';
import { rateBins, rateHistogram } from './histogram.ts';
import { scanSettingsSummary } from '../../db/columns.ts';

/** What each 查重 page shows, read from the stored runs; the routes only render it. */

/** A lookup of the documents behind `keys`; describeDocuments answers every key (a deleted one with a placeholder). */
async function documentInfo(db: Db, keys: Iterable<string>): Promise<(key: string) => DocInfo> {
  const info = await describeDocuments(db, keys);
  return (key) => {
    const found = info.get(key);
    if (!found) throw new Error(`Document ${key} was not described`);
    return found;
  };
}

export const SCAN_JOB = 'similarity';
const PAGE_SIZE = 100;

/** Formatting the templates share. */
export const fmt = {
  percent: (x: number | null | undefined): string => (x === null || x === undefined ? '—' : formatRate(x)),
  mode: (m: SimilarityRun['mode']): string => (m === 'incremental' ? '增量更新' : '全量查重'),
  duration: (ms: number | null): string => (ms === null ? '—' : ms < 1000 ? `${ms} 毫秒` : `${(ms / 1000).toFixed(1)} 秒`),
  runStatus: (s: SimilarityRun['status']): string => ({ running: '进行中', done: '已完成', failed: '失败' })[s],
};

export interface ScanJobView {
  id: number;
  status: Job['status'];
  active: boolean;
  progress: number;
  message: string | null;
}

export const describeScanJob = (job: Job): ScanJobView => ({
  id: job.id,
  status: job.status,
  active: job.status === 'queued' || job.status === 'running',
  progress: Number(job.progress),
  message: job.message,
});

export async function activeScanJob(db: Db, contestId: number): Promise<Job | undefined> {
  return db
    .selectFrom('jobs')
    .selectAll()
    .where('kind', '=', SCAN_JOB)
    .where('contest_id', '=', contestId)
    .where('status', 'in', ['queued', 'running'])
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

/** The rule set may fail to parse or name a bad setting: the page says so instead of failing. */
async function currentState(
  db: Db,
  contestId: number,
  run: SimilarityRun | undefined,
): Promise<{ fresh: Freshness | null; settingsError: string | null }> {
  try {
    return { fresh: await freshness(db, contestId, run), settingsError: null };
  } catch (err) {
    return { fresh: null, settingsError: err instanceof Error ? err.message : String(err) };
  }
}

const denominator = (r: ReportRow): number => r.countable - r.templateChars;
const share = (shared: number, report: ReportRow | undefined): number | null =>
  report && denominator(report) > 0 ? shared / denominator(report) : null;

export async function ratesPage(db: Db, contest: Contest, query: { page: number; flagged: boolean }) {
  const [run, job, runs] = await Promise.all([latestRun(db, contest.id), activeScanJob(db, contest.id), listRuns(db, contest.id)]);
  const { fresh, settingsError } = await currentState(db, contest.id, run);
  const base = {
    contest,
    tab: 'similarity',
    section: 'rates',
    fmt,
    job: job ? describeScanJob(job) : null,
    run: run ?? null,
    runs,
    fresh,
    settingsError,
  };
  const unreadable = fresh ? await unreadableDocuments(db, contest.id, fresh.settings.documentKinds) : [];
  if (!run) return { ...base, histogram: null, bins: [], rows: [], page: 1, pages: 1, total: 0, flaggedOnly: false, unreadable };
  const settings = scanSettingsSummary.read(run.settings_json);
  const pageCount = (n: number) => Math.max(1, Math.ceil(n / PAGE_SIZE));
  const { rows, total } = await listReports(db, run.id, {
    offset: (query.page - 1) * PAGE_SIZE,
    limit: PAGE_SIZE,
    flaggedOnly: query.flagged,
  });
  const [infoOf, decisions] = await Promise.all([
    documentInfo(
      db,
      rows.flatMap((r) => r.sources.slice(0, 1).map((s) => s.key)),
    ),
    latestDecisions(db, contest.id, [...new Set(rows.map((r) => r.entryId))]),
  ]);
  const rates = await runRates(db, run.id);
  return {
    ...base,
    settings,
    histogram: rateHistogram(rates, settings.threshold),
    bins: rateBins(rates),
    rows: rows.map((r) => ({
      ...r,
      topSource: r.sources[0] ? infoOf(r.sources[0].key) : null,
      decision: decisions.get(r.entryId) ?? null,
    })),
    page: query.page,
    pages: pageCount(total),
    total,
    flaggedOnly: query.flagged,
    unreadable,
  };
}

export interface PairSideSummary {
  info: DocInfo;
  report: ReportRow | null;
  shared: number;
  /** Of the document's characters outside template text. */
  share: number | null;
  decision: StoredDecision | null;
}

export interface PairSummary {
  id: number;
  sides: [PairSideSummary, PairSideSummary];
  crossProject: boolean;
  suspect: boolean;
  passages: number;
}

async function summarizePairs(db: Db, contestId: number, runId: number, pairs: PairRow[]): Promise<PairSummary[]> {
  const keys = pairs.flatMap((p) => [p.aKey, p.bKey]);
  const [infoOf, reports] = await Promise.all([documentInfo(db, keys), reportsByKey(db, runId, keys)]);
  const decisions = await latestDecisions(db, contestId, [...new Set([...reports.values()].map((r) => r.entryId))]);
  const side = (key: string, shared: number): PairSideSummary => {
    const report = reports.get(key) ?? null;
    return {
      info: infoOf(key),
      report,
      shared,
      share: share(shared, report ?? undefined),
      decision: report ? (decisions.get(report.entryId) ?? null) : null,
    };
  };
  return pairs.map((p) => ({
    id: p.id,
    sides: [side(p.aKey, p.aShared), side(p.bKey, p.bShared)],
    crossProject: p.crossProject,
    suspect: p.suspect,
    passages: p.spans.length,
  }));
}

/** Cross-project overlaps below the 一稿多投 share shown, most shared first; a large contest has thousands. */
const SHOWN_OVERLAPS = 100;

/**
 * The latest scan's pairs of entries in different projects: 一稿多投 suspects by text, and the
 * other overlaps (the most shared of them, and how many there are).
 */
export async function crossProjectPairs(db: Db, contestId: number) {
  const run = await latestRun(db, contestId);
  if (!run) return { suspects: [], others: [], othersTotal: 0 };
  const [suspects, others, othersTotal] = await Promise.all([
    listPairs(db, run.id, { crossProjectOnly: true, suspect: true }),
    listPairs(db, run.id, { crossProjectOnly: true, suspect: false, limit: SHOWN_OVERLAPS }),
    countPairs(db, run.id, { crossProjectOnly: true, suspect: false }),
  ]);
  return {
    suspects: await summarizePairs(db, contestId, run.id, suspects),
    others: await summarizePairs(db, contestId, run.id, others),
    othersTotal,
  };
}

/** Holders of a common passage listed by name; the rest counted. */
const SHOWN_HOLDERS = 8;

export async function commonPage(
  db: Db,
  contest: Contest,
  error: { commonId?: number; exclusionId?: number; message: string; reason: string } | null = null,
  page = 1,
) {
  const run = await latestRun(db, contest.id);
  const [passages, total] = run
    ? await Promise.all([listCommon(db, run.id, { offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE }), countCommon(db, run.id)])
    : [[], 0];
  const infoOf = await documentInfo(
    db,
    passages.flatMap((p) => p.documents.slice(0, SHOWN_HOLDERS)),
  );
  return {
    contest,
    tab: 'similarity',
    section: 'common',
    fmt,
    run: run ?? null,
    passages: passages.map((p) => ({
      ...p,
      holders: p.documents.slice(0, SHOWN_HOLDERS).map(infoOf),
      more: Math.max(0, p.documents.length - SHOWN_HOLDERS),
    })),
    page,
    pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
    total,
    exclusions: await listExclusions(db, contest.id),
    error,
  };
}

export async function libraryPage(
  db: Db,
  contest: Contest,
  extensions: string[],
  limit: number,
  outcome: { result?: LibraryUploadResult; error?: string } = {},
) {
  const documents = await listLibrary(db, contest.id);
  return {
    contest,
    tab: 'similarity',
    section: 'library',
    fmt,
    library: documents.filter((d) => d.role === 'library'),
    templates: documents.filter((d) => d.role === 'template'),
    extensions,
    limit,
    result: outcome.result ?? null,
    error: outcome.error ?? null,
  };
}

/** A pair's run, refused when it is another contest's or its details have been pruned. */
async function runOfPair(db: Db, contestId: number, pairId: number): Promise<{ pair: PairRow; run: SimilarityRun }> {
  const pair = await getPair(db, pairId);
  const run = pair && (await getRun(db, contestId, pair.runId));
  if (!pair || !run) throw new HttpError(404, '该相似文档对不存在，或所属的查重结果已被更新的结果取代');
  return { pair, run };
}

export interface PairSide extends PairSideSummary {
  /** The text with the matched passages marked, or null when it changed or was deleted after the scan. */
  html: string | null;
}

export async function pairPage(db: Db, contest: Contest, pairId: number, flip: boolean) {
  const { pair, run } = await runOfPair(db, contest.id, pairId);
  const latest = await latestRun(db, contest.id);
  const [summary] = await summarizePairs(db, contest.id, run.id, [pair]);
  const texts = await Promise.all(summary.sides.map((s) => scannedText(db, s.info.key, s.report?.sha256 ?? null)));
  const sides = summary.sides.map((s, i): PairSide => {
    const text = texts[i];
    const ranges = pair.spans.map((span, n) => ({ start: span[2 * i], end: span[2 * i + 1], key: String(n + 1) }));
    return { ...s, html: text === null ? null : highlight(text, ranges, { focusable: true }) };
  });
  return {
    contest,
    tab: 'similarity',
    section: summary.crossProject ? 'suspects' : 'rates',
    fmt,
    run,
    latestVersion: latest?.version ?? run.version,
    pair: summary,
    sides: flip ? [sides[1], sides[0]] : sides,
    flip,
  };
}

export interface DecisionForm {
  decision?: string;
  reason?: string;
}

export async function reportPage(db: Db, contest: Contest, fileId: number, form: DecisionForm | null = null, error: string | null = null) {
  const run = await latestRun(db, contest.id);
  const report = run && (await reportsByKey(db, run.id, [`f${fileId}`])).get(`f${fileId}`);
  if (!run || !report) throw new HttpError(404, '该文档不在最近一次查重结果中');
  const pairs = await listPairs(db, run.id, { key: report.docKey });
  const keys = [report.docKey, ...report.sources.map((s) => s.key)];
  const [infoOf, text, common, decisions] = await Promise.all([
    documentInfo(db, keys),
    scannedText(db, report.docKey, report.sha256),
    listCommon(db, run.id, { key: report.docKey }),
    listDecisions(db, contest.id, [report.entryId]),
  ]);
  // sources numbered in order of what they share, as checking services list them
  const number = new Map(report.sources.map((s, i) => [s.key, i + 1]));
  const pairOf = new Map(pairs.map((p) => [p.aKey === report.docKey ? p.bKey : p.aKey, p]));
  const ranges = pairs.flatMap((p) => {
    const side = p.aKey === report.docKey ? 0 : 1;
    const other = side === 0 ? p.bKey : p.aKey;
    const note = `[${number.get(other) ?? '?'}]`;
    return p.spans.map((span) => ({ start: span[2 * side], end: span[2 * side + 1], key: String(number.get(other) ?? 0), note }));
  });
  const settings = scanSettingsSummary.read(run.settings_json);
  return {
    contest,
    tab: 'similarity',
    section: 'rates',
    fmt,
    run,
    settings,
    report,
    info: infoOf(report.docKey),
    html: text === null ? null : highlight(text, ranges),
    sources: report.sources.map((s, i) => {
      const pair = pairOf.get(s.key);
      return {
        n: i + 1,
        info: infoOf(s.key),
        library: s.library,
        sharedChars: s.sharedChars,
        share: share(s.sharedChars, report),
        pairId: pair?.id ?? null,
        crossProject: pair?.crossProject ?? false,
        suspect: pair?.suspect ?? false,
      };
    }),
    common,
    decisions,
    canDecide: report.flagged || pairs.some((p) => p.suspect),
    form,
    error,
  };
}
