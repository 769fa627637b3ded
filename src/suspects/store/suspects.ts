import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { audit } from '../../audit/log.ts';
import { contestRuleSet } from '../../contests/index.ts';
import { authorsByEntry, authorsOfEntries, contestAuthors } from '../../contests/authors.ts';
import { entriesWithCategory } from '../../entries/store/entries.ts';
import { type Db, nowIso, TEXTS_PER_READ, yieldToServer } from '../../db/connect.ts';
import type { EntryStatus, SuspectDecision } from '../../db/schema.ts';
import { decide } from '../../eligibility/store/decisions.ts';
import type { RuleSet } from '../../rules/schema.ts';
import type { Suspect } from '../detect.ts';
import { entryOverlaps, type TextOverlap } from '../overlaps.ts';
import type { SuspectEntry } from '../signals.ts';
import { type StoredSuspects, storedSuspects, suspectReasons } from '../../db/columns.ts';
import { inChunks } from '../../util/chunks.ts';
import { findSuspectsOnThread } from '../../workers/suspects.ts';
import { latestRun } from '../../similarity/store/queries.ts';

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
function worksPerFirstAuthor(rules: RuleSet): Record<string, number> {
  const limits: Record<string, number> = {};
  for (const c of rules.categories) {
    const limit =
      c.authors.maxWorksPerFirstAuthor ?? c.groups.find((g) => g.authors?.maxWorksPerFirstAuthor)?.authors?.maxWorksPerFirstAuthor;
    if (limit !== undefined) limits[c.name] = limit;
  }
  return limits;
}

/** Text overlaps between entries in the contest's latest finished similarity run. */
async function storedOverlaps(db: Db, contestId: number): Promise<{ overlaps: TextOverlap[]; run: ContestSuspects['textRun'] }> {
  const run = await latestRun(db, contestId);
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

/** The contest's entries (withdrawn ones left out) as the detector reads them. */
async function detectionInputs(db: Db, contestId: number, rules: RuleSet): Promise<SuspectEntry[]> {
  const rows = await entriesWithCategory(db, contestId).where('e.status', '!=', 'withdrawn').orderBy('e.code').execute();
  const authors = await authorsByEntry(db, contestId);
  const readFiles = (ids: number[]) =>
    db
      .selectFrom('files as f')
      .select(['f.entry_id', 'f.original_path', 'f.kind', 'f.size', 'f.sha256', cappedText])
      .where('f.entry_id', 'in', ids)
      .orderBy('f.id')
      .execute();
  const files = new Map<number, Awaited<ReturnType<typeof readFiles>>>();
  // texts in short reads with the server served between them: a contest's texts are tens of megabytes
  const entryIds = rows.map((e) => e.id);
  for (const ids of inChunks(entryIds, TEXTS_PER_READ)) {
    for (const f of await readFiles(ids)) files.set(f.entry_id, [...(files.get(f.entry_id) ?? []), f]);
    await yieldToServer();
  }
  const documentKinds = new Set<string>(rules.similarity.documentKinds);
  return rows.map((e) => {
    const own = files.get(e.id) ?? [];
    const texts = own.filter((f) => f.text && documentKinds.has(f.kind));
    return {
      id: String(e.id),
      category: e.category_name ?? e.category_label,
      title: e.title,
      authors: (authors.get(e.id) ?? []).map((a) => ({ name: a.name, unit: a.unit, role: a.role })),
      attachments: own.map((f) => ({ name: f.original_path, sha256: f.sha256, size: Number(f.size), kind: f.kind })),
      // the rule set's document kinds (案例介绍 by default); any readable document when it has none of them
      text: (texts.length ? texts : own.filter((f) => f.text)).map((f) => f.text).join('\n'),
    };
  });
}

/** The entries of the suspects as the page shows them. */
async function suspectSides(db: Db, contestId: number, ids: number[]): Promise<Map<string, SuspectSide>> {
  const sides = new Map<string, SuspectSide>();
  if (!ids.length) return sides;
  // the suspects' own authors: a page opens with a handful of suspects in a contest of thousands
  const authors = await authorsOfEntries(db, ids);
  for (const chunk of inChunks(ids, 500)) {
    const rows = await entriesWithCategory(db, contestId).where('e.id', 'in', chunk).execute();
    for (const e of rows) {
      sides.set(String(e.id), {
        id: e.id,
        code: e.code,
        title: e.title,
        status: e.status,
        category: e.category_name ?? e.category_label,
        authors: (authors.get(e.id) ?? []).map((a) => ({ name: a.name, unit: a.unit })),
      });
    }
  }
  return sides;
}

/**
 * A digest of everything detection reads but the texts' characters (a file's text is read from its bytes,
 * so their sha256 and the extraction's version stand in for it; reading the texts would cost what detection
 * saves): entries, authors, files, the latest finished similarity run, the rules.
 * Cheap to compute at ten thousand entries, where detection itself takes seconds.
 */
async function detectionInputKey(db: Db, contestId: number, rules: RuleSet): Promise<string> {
  // one read after another with the server served between them: each is a few thousand rows of synchronous SQLite
  const entries = await db
    .selectFrom('entries')
    .select(['id', 'title', 'status', 'category_id', 'category_label'])
    .where('contest_id', '=', contestId)
    .orderBy('id')
    .execute();
  await yieldToServer();
  const authors = await contestAuthors(db, contestId);
  await yieldToServer();
  const files = await db
    .selectFrom('files as f')
    .innerJoin('entries as e', 'e.id', 'f.entry_id')
    .select(['f.id', 'f.entry_id', 'f.original_path', 'f.kind', 'f.size', 'f.sha256', 'f.extractor', 'f.extract_version', 'f.ocr_status'])
    .where('e.contest_id', '=', contestId)
    .orderBy('f.id')
    .execute();
  await yieldToServer();
  const run = await latestRun(db, contestId);
  const hash = createHash('sha256');
  for (const part of [rules, run?.id ?? null, entries, authors.map((a) => [a.entry_id, a.position, a.name, a.unit, a.role]), files]) {
    hash.update(JSON.stringify(part, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
    hash.update('\n');
  }
  return hash.digest('hex');
}

const detecting = new Map<string, Promise<StoredSuspects>>();

/**
 * The contest's suspects as detection finds them: the stored snapshot while what detection reads is
 * unchanged, else detected afresh on a worker thread and stored. A scan warms it, so pages read it.
 */
export async function detectedSuspects(db: Db, contestId: number, rules?: RuleSet): Promise<StoredSuspects> {
  const ruleSet = rules ?? (await contestRuleSet(db, contestId));
  const key = await detectionInputKey(db, contestId, ruleSet);
  const stored = await db
    .selectFrom('suspect_snapshots')
    .select(['input_key', 'suspects_json'])
    .where('contest_id', '=', contestId)
    .executeTakeFirst();
  if (stored?.input_key === key) return storedSuspects.read(stored.suspects_json);
  // pages opened together while it runs wait for the same detection
  const running = detecting.get(`${contestId}:${key}`);
  if (running) return running;
  const detection = detect(db, contestId, ruleSet, key).finally(() => detecting.delete(`${contestId}:${key}`));
  detecting.set(`${contestId}:${key}`, detection);
  return detection;
}

async function detect(db: Db, contestId: number, rules: RuleSet, key: string): Promise<StoredSuspects> {
  const [entries, { overlaps, run }] = await Promise.all([detectionInputs(db, contestId, rules), storedOverlaps(db, contestId)]);
  const suspects = await findSuspectsOnThread({
    entries,
    overlaps,
    threshold: rules.suspects.threshold,
    worksPerFirstAuthor: worksPerFirstAuthor(rules),
  });
  const found: StoredSuspects = { suspects, textRun: run };
  // inputs that changed while detection ran give a different key next time, so this snapshot is never reused for them
  const row = { input_key: key, suspects_json: storedSuspects.write(found), computed_at: nowIso() };
  await db
    .insertInto('suspect_snapshots')
    .values({ contest_id: contestId, ...row })
    .onConflict((oc) => oc.column('contest_id').doUpdateSet(row))
    .execute();
  return found;
}

const pairOf = (x: number, y: number): [number, number] => (x < y ? [x, y] : [y, x]);

/** The contest's suspects, highest score first, each with both entries and the latest decision on it. */
export async function contestSuspects(db: Db, contestId: number): Promise<ContestSuspects> {
  const rules = await contestRuleSet(db, contestId);
  const [{ suspects: found, textRun }, decisions] = await Promise.all([
    detectedSuspects(db, contestId, rules),
    listSuspectDecisions(db, contestId),
  ]);
  const sides = await suspectSides(db, contestId, [...new Set(found.flatMap((s) => [Number(s.a), Number(s.b)]))]);
  const latest = new Map<string, StoredSuspectDecision>();
  for (const d of decisions) if (!latest.has(`${d.a}-${d.b}`)) latest.set(`${d.a}-${d.b}`, d);
  const sideOf = (entryId: string) => {
    const side = sides.get(entryId);
    if (!side) throw new Error(`Suspect names entry ${entryId}, which was not loaded`);
    return side;
  };
  const suspects = found.map((s): ContestSuspect => {
    const [a, b] = [sideOf(s.a), sideOf(s.b)].sort((x, y) => x.id - y.id);
    return { ...s, a, b, decision: latest.get(`${a.id}-${b.id}`) ?? null };
  });
  return { suspects, threshold: rules.suspects.threshold, textRun };
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
    if (input.decision === '均取消资格') await decide(trx, contestId, [a, b], '取消资格', `${label}：${why}`, input.userId);
    if (chosen && input.decision === '取消其一资格')
      await decide(trx, contestId, [chosen.id], '取消资格', `${label}：${why}`, input.userId);
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
