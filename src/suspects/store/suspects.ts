import { sql } from 'kysely';
import { audit } from '../../audit/log.ts';
import { contestRuleSet } from '../../contests/index.ts';
import { authorsByEntry } from '../../contests/authors.ts';
import { type Db, nowIso } from '../../db/connect.ts';
import type { EntryStatus, SuspectDecision } from '../../db/schema.ts';
import { decideIn } from '../../eligibility/store/decisions.ts';
import type { RuleSet } from '../../rules/schema.ts';
import { findSuspects, type Suspect } from '../detect.ts';
import { entryOverlaps, type TextOverlap } from '../overlaps.ts';
import type { SuspectEntry } from '../signals.ts';
import { suspectReasons } from '../../db/columns.ts';

/**
 * A contest's 一稿多投 / 相似主题 suspects, computed from what is stored (entries, authors,
 * files with their sha256 and text, the latest finished similarity run), and the organizer's
 * decisions on them: both disqualified (through the eligibility decision, so both leave
 * scoring and every award denominator), one withdrawn (entries.status 'withdrawn'), or not
 * the same work. Every decision has a reason and is audited.
 */

export const SUSPECT_DECISIONS: readonly SuspectDecision[] = ['均取消资格', '取消其一资格', '撤回其一', '不是同一作品'];
export const isSuspectDecision = (value: unknown): value is SuspectDecision => SUSPECT_DECISIONS.includes(value as SuspectDecision);

export interface SuspectSide {
  id: number;
  code: string;
  title: string;
  status: EntryStatus;
  category: string | null;
  authors: { name: string; unit: string | null }[];
}

export interface StoredSuspectDecision {
  id: number;
  a: number;
  b: number;
  /** 编号 of a and b. */
  codes: [string, string];
  decision: SuspectDecision;
  withdrawnEntryId: number | null;
  kind: Suspect['kind'];
  score: number;
  reasons: string[];
  reason: string;
  by: string | null;
  createdAt: string;
}

export interface ContestSuspect extends Omit<Suspect, 'a' | 'b'> {
  a: SuspectSide;
  b: SuspectSide;
  /** The latest decision on this pair, if any. */
  decision: StoredSuspectDecision | null;
}

export interface ContestSuspects {
  suspects: ContestSuspect[];
  threshold: number;
  /** The similarity run whose text overlaps were counted; null when the contest has not been scanned. */
  textRun: { version: number; finishedAt: string | null } | null;
}

/** Works one first author may enter in a category (by name): the category's limit, or its groups'. */
function worksPerFirstAuthor(rules: RuleSet): (category: string) => number | undefined {
  const limits = new Map<string, number>();
  for (const c of rules.categories) {
    const limit =
      c.authors.maxWorksPerFirstAuthor ?? c.groups.find((g) => g.authors?.maxWorksPerFirstAuthor)?.authors?.maxWorksPerFirstAuthor;
    if (limit !== undefined) limits.set(c.name, limit);
  }
  return (category) => limits.get(category);
}

/** Text overlaps between entries in the contest's latest finished similarity run. */
async function storedOverlaps(db: Db, contestId: number): Promise<{ overlaps: TextOverlap[]; run: ContestSuspects['textRun'] }> {
  const run = await db
    .selectFrom('similarity_runs')
    .select(['id', 'version', 'finished_at'])
    .where('contest_id', '=', contestId)
    .where('status', '=', 'done')
    .orderBy('version', 'desc')
    .executeTakeFirst();
  if (!run) return { overlaps: [], run: null };
  const [reports, pairs] = await Promise.all([
    db
      .selectFrom('similarity_reports as r')
      .innerJoin('files as f', 'f.id', 'r.file_id')
      .select(['r.doc_key', 'r.entry_id', 'r.countable', 'r.template_chars', 'f.original_path'])
      .where('r.run_id', '=', run.id)
      .execute(),
    db
      .selectFrom('similarity_pairs')
      .select(['a_key', 'b_key', 'a_shared', 'b_shared'])
      .where('run_id', '=', run.id)
      .where('a_library', '=', 0)
      .where('b_library', '=', 0)
      .execute(),
  ]);
  const documents = new Map(
    reports.map((r) => [
      r.doc_key,
      { entry: String(r.entry_id), denominator: Number(r.countable) - Number(r.template_chars), path: r.original_path },
    ]),
  );
  const overlaps = entryOverlaps(
    pairs.map((p) => ({ a: p.a_key, b: p.b_key, aShared: Number(p.a_shared), bShared: Number(p.b_shared) })),
    (doc) => documents.get(doc)?.denominator ?? 0,
    (doc) => documents.get(doc)?.entry,
  );
  // documents by their path in the entry, as the evidence names them
  const pathOf = (doc: string): string => {
    const document = documents.get(doc);
    if (!document) throw new Error(`Overlap names document ${doc}, which has no report in the run`);
    return document.path;
  };
  const named = overlaps.map((o) => ({ ...o, aDocument: pathOf(o.aDocument), bDocument: pathOf(o.bDocument) }));
  return { overlaps: named, run: { version: run.version, finishedAt: run.finished_at } };
}

/**
 * A stored text as the detector reads it: whole up to TEXT_CHARS characters (every case document
 * is), else its beginning and its end. The detector samples the start, middle and end of an
 * entry's text, so nothing it needs is lost, and a contest of oversized texts (a batch of
 * megabyte .txt files) is never held whole in memory, nor joined into one string past V8's limit.
 */
const TEXT_CHARS = 20_000;
const cappedText = sql<string | null>`CASE WHEN length(f.text) <= ${TEXT_CHARS} THEN f.text
  ELSE substr(f.text, 1, ${TEXT_CHARS / 2}) || ${'\n'} || substr(f.text, length(f.text) - ${TEXT_CHARS / 2 - 1}) END`.as('text');

/** The contest's entries (withdrawn ones left out) as the detector reads them, and as the page shows them. */
async function loadEntries(
  db: Db,
  contestId: number,
  rules: RuleSet,
): Promise<{ inputs: SuspectEntry[]; sides: Map<string, SuspectSide> }> {
  const rows = await db
    .selectFrom('entries as e')
    .leftJoin('categories as c', 'c.id', 'e.category_id')
    .select(['e.id', 'e.code', 'e.title', 'e.status', 'e.category_label', 'c.name as category_name'])
    .where('e.contest_id', '=', contestId)
    .where('e.status', '!=', 'withdrawn')
    .orderBy('e.code')
    .execute();
  const [authors, fileRows] = await Promise.all([
    authorsByEntry(db, contestId),
    db
      .selectFrom('files as f')
      .innerJoin('entries as e', 'e.id', 'f.entry_id')
      .select(['f.entry_id', 'f.original_path', 'f.kind', 'f.size', 'f.sha256', cappedText])
      .where('e.contest_id', '=', contestId)
      .orderBy('f.id')
      .execute(),
  ]);
  const byEntry = <T extends { entry_id: number }>(rows: T[]): Map<number, T[]> => {
    const map = new Map<number, T[]>();
    for (const r of rows) map.set(r.entry_id, [...(map.get(r.entry_id) ?? []), r]);
    return map;
  };
  const files = byEntry(fileRows);
  const documentKinds = new Set<string>(rules.similarity.documentKinds);

  const inputs: SuspectEntry[] = [];
  const sides = new Map<string, SuspectSide>();
  for (const e of rows) {
    const own = files.get(e.id) ?? [];
    const texts = own.filter((f) => f.text && documentKinds.has(f.kind));
    const category = e.category_name ?? e.category_label;
    inputs.push({
      id: String(e.id),
      category,
      title: e.title,
      authors: (authors.get(e.id) ?? []).map((a) => ({ name: a.name, unit: a.unit, role: a.role })),
      attachments: own.map((f) => ({ name: f.original_path, sha256: f.sha256, size: Number(f.size), kind: f.kind })),
      // the rule set's document kinds (案例介绍 by default); any readable document when it has none of them
      text: (texts.length ? texts : own.filter((f) => f.text)).map((f) => f.text).join('\n'),
    });
    sides.set(String(e.id), {
      id: e.id,
      code: e.code,
      title: e.title,
      status: e.status,
      category,
      authors: (authors.get(e.id) ?? []).map((a) => ({ name: a.name, unit: a.unit })),
    });
  }
  return { inputs, sides };
}

const pairOf = (x: number, y: number): [number, number] => (x < y ? [x, y] : [y, x]);

/** The contest's suspects, highest score first, each with both entries and the latest decision on it. */
export async function contestSuspects(db: Db, contestId: number): Promise<ContestSuspects> {
  const rules = await contestRuleSet(db, contestId);
  const [{ inputs, sides }, { overlaps, run }, decisions] = await Promise.all([
    loadEntries(db, contestId, rules),
    storedOverlaps(db, contestId),
    listSuspectDecisions(db, contestId),
  ]);
  const latest = new Map<string, StoredSuspectDecision>();
  for (const d of decisions) if (!latest.has(`${d.a}-${d.b}`)) latest.set(`${d.a}-${d.b}`, d);
  const threshold = rules.suspects.threshold;
  const sideOf = (entryId: string) => {
    const side = sides.get(entryId);
    if (!side) throw new Error(`Suspect names entry ${entryId}, which was not loaded`);
    return side;
  };
  const suspects = findSuspects(inputs, overlaps, { threshold, worksPerFirstAuthor: worksPerFirstAuthor(rules) }).map(
    (s): ContestSuspect => {
      const [a, b] = [sideOf(s.a), sideOf(s.b)].sort((x, y) => x.id - y.id);
      return { ...s, a, b, decision: latest.get(`${a.id}-${b.id}`) ?? null };
    },
  );
  return { suspects, threshold, textRun: run };
}

/** Every decision on the contest's suspects, newest first. */
export async function listSuspectDecisions(db: Db, contestId: number): Promise<StoredSuspectDecision[]> {
  const rows = await db
    .selectFrom('suspect_decisions as d')
    .innerJoin('entries as ea', 'ea.id', 'd.entry_a')
    .innerJoin('entries as eb', 'eb.id', 'd.entry_b')
    .leftJoin('users as u', 'u.id', 'd.user_id')
    .select([
      'd.id',
      'd.entry_a',
      'd.entry_b',
      'ea.code as code_a',
      'eb.code as code_b',
      'd.decision',
      'd.withdrawn_entry_id',
      'd.kind',
      'd.score',
      'd.reasons_json',
      'd.reason',
      'd.created_at',
      'u.display_name',
    ])
    .where('d.contest_id', '=', contestId)
    .orderBy('d.id', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    a: r.entry_a,
    b: r.entry_b,
    codes: [r.code_a, r.code_b],
    decision: r.decision,
    withdrawnEntryId: r.withdrawn_entry_id,
    kind: r.kind,
    score: Number(r.score),
    reasons: suspectReasons.read(r.reasons_json),
    reason: r.reason,
    by: r.display_name,
    createdAt: r.created_at,
  }));
}

export interface SuspectDecisionInput {
  /** The two entries of the suspect, in any order. */
  entries: [number, number];
  decision: SuspectDecision;
  /** For 撤回其一 and 取消其一资格: which of the two is withdrawn or disqualified. */
  withdraw?: number | null;
  reason: string;
  userId: number | null;
}

/**
 * Records the organizer's decision on a current suspect, in one transaction with the status changes it
 * makes: 均取消资格 disqualifies both entries and 取消其一资格 the chosen one, through the eligibility
 * decision (audited there); 撤回其一 withdraws the chosen entry; 不是同一作品 only records the decision.
 * Refusals are Errors with a Chinese message.
 */
export async function decideSuspect(db: Db, contestId: number, input: SuspectDecisionInput): Promise<void> {
  if (!isSuspectDecision(input.decision))
    throw new Error(`未知的处理决定“${String(input.decision)}”，应为：${SUSPECT_DECISIONS.join('、')}`);
  const why = input.reason?.trim();
  if (!why) throw new Error('请填写处理理由');
  const [a, b] = pairOf(...input.entries);
  const suspect = (await contestSuspects(db, contestId)).suspects.find((s) => s.a.id === a && s.b.id === b);
  if (!suspect) throw new Error('这两件作品目前不是一稿多投或相似主题嫌疑，无法作出处理决定');
  let chosen: SuspectSide | null = null;
  if (input.decision === '撤回其一' || input.decision === '取消其一资格') {
    chosen = [suspect.a, suspect.b].find((s) => s.id === input.withdraw) ?? null;
    if (!chosen) throw new Error(`请选择要${input.decision === '撤回其一' ? '撤回' : '取消资格'}的作品（须为这两件作品之一）`);
  }
  const label = `${suspect.kind}（${suspect.a.code}、${suspect.b.code}）`;

  await db.transaction().execute(async (trx) => {
    if (input.decision === '均取消资格') await decideIn(trx, contestId, [a, b], '取消资格', `${label}：${why}`, input.userId);
    if (chosen && input.decision === '取消其一资格')
      await decideIn(trx, contestId, [chosen.id], '取消资格', `${label}：${why}`, input.userId);
    if (chosen && input.decision === '撤回其一') {
      // re-read inside the transaction: the entry may have been withdrawn meanwhile
      const current = await trx
        .selectFrom('entries')
        .select('status')
        .where('id', '=', chosen.id)
        .where('contest_id', '=', contestId)
        .executeTakeFirstOrThrow();
      if (current.status === 'withdrawn') throw new Error(`作品 ${chosen.code} 已撤回`);
      await trx.updateTable('entries').set({ status: 'withdrawn', updated_at: nowIso() }).where('id', '=', chosen.id).execute();
      await audit(trx, {
        userId: input.userId,
        contestId,
        action: 'entry.withdraw',
        subjectType: 'entry',
        subjectId: chosen.id,
        oldValue: current.status,
        newValue: 'withdrawn',
        reason: `${label}：${why}`,
      });
    }
    await trx
      .insertInto('suspect_decisions')
      .values({
        contest_id: contestId,
        entry_a: a,
        entry_b: b,
        decision: input.decision,
        withdrawn_entry_id: chosen?.id ?? null,
        kind: suspect.kind,
        score: suspect.score,
        reasons_json: suspectReasons.write(suspect.reasons),
        reason: why,
        user_id: input.userId,
        created_at: nowIso(),
      })
      .execute();
    await audit(trx, {
      userId: input.userId,
      contestId,
      action: 'suspects.decide',
      subjectType: 'entry_pair',
      subjectId: `${a}-${b}`,
      newValue: { decision: input.decision, chosen: chosen?.id ?? null, kind: suspect.kind, score: suspect.score },
      reason: why,
    });
  });
}
