import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { AwardOverrideKind } from '../awards/overrides.ts';
import type { AwardSnapshot } from '../awards/publication.ts';
import type { EntryStatus } from '../entries/status.ts';
import type { CheckResult } from '../eligibility/types.ts';
import type { DocumentProperties, OcrStatus, PartKind } from '../ingest/extract/parts.ts';
import type { ScanSettingsSummary, StoredJobPayload, StoredSourceShare, StoredSuspects } from './columns.ts';
import type { JsonText } from './json.ts';
import type { ImportOrigin } from '../util/terms.ts';
import type { IntakeState, QuotaDecisionKind } from '../intake/quotas.ts';
import type { UnitKind } from '../units/tree.ts';

/** Every table of casejury. Timestamps are ISO-8601 strings so SQLite and PostgreSQL agree. */
export interface Database {
  users: UsersTable;
  contests: ContestsTable;
  categories: CategoriesTable;
  entries: EntriesTable;
  authors: AuthorsTable;
  files: FilesTable;
  file_parts: FilePartsTable;
  import_batches: ImportBatchesTable;
  import_items: ImportItemsTable;
  import_problems: ImportProblemsTable;
  audit_log: AuditLogTable;
  jobs: JobsTable;
  panels: PanelsTable;
  panel_members: PanelMembersTable;
  assignments: AssignmentsTable;
  reviews: ReviewsTable;
  award_overrides: AwardOverridesTable;
  award_publications: AwardPublicationsTable;
  eligibility_results: EligibilityResultsTable;
  eligibility_decisions: EligibilityDecisionsTable;
  prior_awards: PriorAwardsTable;
  similarity_library: SimilarityLibraryTable;
  similarity_runs: SimilarityRunsTable;
  similarity_reports: SimilarityReportsTable;
  similarity_pairs: SimilarityPairsTable;
  similarity_common: SimilarityCommonTable;
  similarity_exclusions: SimilarityExclusionsTable;
  similarity_decisions: SimilarityDecisionsTable;
  suspect_decisions: SuspectDecisionsTable;
  suspect_snapshots: SuspectSnapshotsTable;
  deadlines: DeadlinesTable;
  reminders: RemindersTable;
  units: UnitsTable;
  intake_decisions: IntakeDecisionsTable;
  unit_accounts: UnitAccountsTable;
  contest_members: ContestMembersTable;
  rule_versions: RuleVersionsTable;
  manual_checks: ManualChecksTable;
  sessions: SessionsTable;
}

/** 'unit': a county's or school's delegated intake account, bound to one unit of one contest (unit_accounts). */
export type Role = 'admin' | 'organizer' | 'expert' | 'unit';

export interface UsersTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  password_hash: string;
  role: Role;
  unit: string | null;
  county: string | null;
  phone: string | null;
  email: string | null;
  must_change_password: number;
  /** 专业/学科 of an expert, free text. */
  specialties: string | null;
  created_at: string;
  /** When an administrator disabled the account: it cannot sign in, and its sessions have ended. */
  disabled_at: Generated<string | null>;
  /** Failed logins since the last successful one (the per-account lockout counts them). */
  failed_logins: Generated<number>;
  /** Until when sign-in from a browser the account has not used is refused after too many failures. */
  locked_until: Generated<string | null>;
}

/** A signed-in browser (see src/users/sessions.ts); the cookie holds the token whose SHA-256 is token_hash. */
export interface SessionsTable {
  id: Generated<number>;
  token_hash: string;
  user_id: number;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
}

export interface ContestsTable {
  id: Generated<number>;
  name: string;
  /** The contest's own copy of its rule set (YAML text), editable by the organizer. */
  rules_yaml: string;
  /** File name of the rule set it was created from, e.g. `2024-teacher-training.yaml`. */
  rules_source: string;
  blind: number;
  created_by: number | null;
  created_at: string;
}

/** What a member does in a contest (see migration 012). */
export type MemberRole = 'organizer';

/** An account's membership of one contest: organizers see and change only their contests. */
export interface ContestMembersTable {
  contest_id: number;
  user_id: number;
  role: MemberRole;
  created_at: string;
  created_by: number | null;
}

export interface CategoriesTable {
  id: Generated<number>;
  contest_id: number;
  /** Stable key from the rule set. */
  key: string;
  name: string;
  sort_order: number;
}

export type { EntryStatus };

export interface EntriesTable {
  id: Generated<number>;
  contest_id: number;
  category_id: number | null;
  /** 编号: unique within a contest. */
  code: string;
  /** 作品名称 */
  title: string;
  /** 组别 such as 学段 or 基础教育/职业教育. */
  group_name: string | null;
  status: EntryStatus;
  /** Folder of the entry relative to the imported root, `/`-separated. */
  source_path: string | null;
  /** Category name as it appeared in the submission (folder or sheet), kept when no rule-set category matched. */
  category_label: string | null;
  batch_id: number | null;
  created_at: string;
  updated_at: string;
  /** The submitting unit (区县, 学校 …) it belongs to; null until matched. */
  unit_id: Generated<number | null>;
  /** The unit as the submission wrote it, kept when no unit of the contest matched (for the review page). */
  unit_label: Generated<string | null>;
  /** Its code at the level it came from (a package's 来源编号): the identity a repeated import keeps. */
  source_code: Generated<string | null>;
  /** Its final score at the level it came from, and what that level said of it (奖项, 形式审查, 重复率). */
  source_score: Generated<number | null>;
  source_result: Generated<string | null>;
  /** In the contest, held for the organizer's or its unit's decision, or refused (intake/quotas.ts). */
  intake: Generated<IntakeState>;
  /** Arrived after its stage closed (逾期); kept once decided, so lists still say so. */
  late: Generated<number>;
  /** Chosen by its unit to go on while the unit is choosing within its quota. */
  picked: Generated<number>;
}

export interface AuthorsTable {
  id: Generated<number>;
  entry_id: number;
  position: number;
  name: string;
  unit: string | null;
  county: string | null;
  title: string | null;
  phone: string | null;
  /** e.g. 主持人, 成员 */
  role: string | null;
}

export interface FilesTable {
  id: Generated<number>;
  entry_id: number;
  /** Path inside the submission, relative to the entry folder, `/`-separated. */
  original_path: string;
  name: string;
  /** 案例介绍, 信息表, 总结报告, 视频, 支撑材料 … or 其他 */
  kind: string;
  ext: string;
  size: number;
  sha256: string;
  mime: string | null;
  text: string | null;
  html: string | null;
  /** Chinese reason when text could not be extracted. */
  error: string | null;
  /** The reader the text came from (mammoth, word-extractor, unpdf, pdftotext …). */
  extractor: string | null;
  /** Author, last modified by, company, as the document's own properties say. */
  properties_json: JsonText<DocumentProperties> | null;
  /** Scans and pictures: where their OCR stands; null for files OCR has nothing to do with. */
  ocr_status: OcrStatus | null;
  /** Version of the extraction that read the file (EXTRACT_VERSION); older ones are read again on import. */
  extract_version: Generated<number>;
  created_at: string;
}

/** A part of a document other than its body: notes, headers, footers, text boxes, comments, OCR text. */
export interface FilePartsTable {
  id: Generated<number>;
  file_id: number;
  /** Order of the part in the document (and among parts of its kind). */
  position: number;
  kind: Exclude<PartKind, 'body'>;
  text: string;
  /** OCR parts: tesseract's mean word confidence, 0–100. */
  confidence: number | null;
}

export interface ImportBatchesTable {
  id: Generated<number>;
  contest_id: number;
  /** The imported path on the machine that ran the import (resuming matches it). */
  source: string;
  /** Where the import came from. */
  origin: Generated<ImportOrigin>;
  /** What people see as the source (an uploaded file's name); null: `source`. */
  label: string | null;
  /** Why the import stopped, when it failed. */
  message: string | null;
  status: 'running' | 'done' | 'failed';
  imported: number;
  skipped: number;
  /** How many problems the batch has (import_problems), counted when it finishes. */
  error_count: number;
  user_id: number | null;
  started_at: string;
  finished_at: string | null;
  /** The unit that sent it (a unit account's upload, or the unit the organizer named). */
  unit_id: Generated<number | null>;
}

/** One row per entry a batch has committed, so a killed import resumes where it stopped. */
export interface ImportItemsTable {
  id: Generated<number>;
  batch_id: number;
  entry_key: string;
  entry_id: number | null;
  done_at: string;
}

/** One problem of an import batch (a bad file, an unmatched category …), written with its entry. */
export interface ImportProblemsTable {
  id: Generated<number>;
  batch_id: number;
  /** The entry's key in the batch; null for a problem of the import as a whole (layout, summary sheet). */
  entry_key: string | null;
  path: string;
  message: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  user_id: number | null;
  contest_id: number | null;
  action: string;
  subject_type: string;
  subject_id: string | null;
  old_value: string | null;
  new_value: string | null;
  reason: string | null;
}

export interface JobsTable {
  id: Generated<number>;
  kind: string;
  contest_id: number | null;
  status: 'queued' | 'running' | 'done' | 'failed';
  progress: number;
  message: string | null;
  /** What the job works on; its kind's handler rebuilds the work from it on whichever instance claims it. */
  payload_json: JsonText<StoredJobPayload>;
  result_json: JsonText<unknown> | null;
  /** The instance running it, and its last heartbeat. */
  locked_by: string | null;
  locked_at: string | null;
  /** How many times an instance has claimed it (more than once when an instance died running it). */
  attempts: Generated<number>;
  created_at: string;
  finished_at: string | null;
}

/** 评审组: experts who review the entries of one category (and optionally one group). */
export interface PanelsTable {
  id: Generated<number>;
  contest_id: number;
  name: string;
  category_id: number | null;
  group_name: string | null;
}

export interface PanelMembersTable {
  panel_id: number;
  user_id: number;
}

export type AssignmentStatus = 'active' | 'declined' | 'removed';

export interface AssignmentsTable {
  id: Generated<number>;
  contest_id: number;
  entry_id: number;
  expert_id: number;
  status: AssignmentStatus;
  /** Why it was declined, removed or added by hand. */
  reason: string | null;
  created_at: string;
}

export type ReviewStatus = 'draft' | 'submitted' | 'returned';

export interface ReviewsTable {
  id: Generated<number>;
  assignment_id: number;
  contest_id: number;
  entry_id: number;
  expert_id: number;
  /** Criterion key → points. */
  scores_json: JsonText<Record<string, number | null>>;
  /** 评语 */
  comment: string;
  total: number | null;
  status: ReviewStatus;
  /** Incremented on every save; a save naming an older version is refused (second tab). */
  version: number;
  return_reason: string | null;
  updated_at: string;
  submitted_at: string | null;
}

export type User = Selectable<UsersTable>;
export type Contest = Selectable<ContestsTable>;
export type Category = Selectable<CategoriesTable>;
export type Entry = Selectable<EntriesTable>;
export type NewEntry = Insertable<EntriesTable>;
export type EntryUpdate = Updateable<EntriesTable>;
export type Author = Selectable<AuthorsTable>;
export type StoredFile = Selectable<FilesTable>;
export type StoredFilePart = Selectable<FilePartsTable>;
export type ImportBatch = Selectable<ImportBatchesTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type Job = Selectable<JobsTable>;
export type Panel = Selectable<PanelsTable>;
export type Assignment = Selectable<AssignmentsTable>;
export type Review = Selectable<ReviewsTable>;

export type { AwardOverrideKind };

export interface AwardOverridesTable {
  id: Generated<number>;
  contest_id: number;
  entry_id: number;
  kind: AwardOverrideKind;
  value: string | null;
  reason: string;
  user_id: number | null;
  created_at: string;
}

/** 公示: a frozen, versioned award list. `sha256` is the hash of `snapshot_json` (canonical JSON). */
export interface AwardPublicationsTable {
  id: Generated<number>;
  contest_id: number;
  version: number;
  published_at: string;
  user_id: number | null;
  /** Why this version was published (required from version 2 on, and when blockers remained). */
  reason: string | null;
  sha256: string;
  snapshot_json: JsonText<AwardSnapshot>;
}

export type AwardOverride = Selectable<AwardOverridesTable>;
export type AwardPublication = Selectable<AwardPublicationsTable>;

/** The latest automatic eligibility check (形式审查) of one entry. */
export interface EligibilityResultsTable {
  id: Generated<number>;
  contest_id: number;
  entry_id: number;
  /** The check results, `{ id, status, message }[]`, as JSON. */
  checks_json: JsonText<CheckResult[]>;
  /** The worst status among the checks. */
  verdict: 'pass' | 'warn' | 'fail';
  fail_count: number;
  warn_count: number;
  checked_at: string;
  /** The version of the contest's rule set the entry was checked against; null for results from before versions. */
  rules_version: number | null;
}

/** An organizer's eligibility decision; the latest one per entry is in force (and in entries.status). */
export interface EligibilityDecisionsTable {
  id: Generated<number>;
  contest_id: number;
  entry_id: number;
  /** eligible (通过), returned (退回修改) or disqualified (取消资格). */
  status: EntryStatus;
  previous_status: EntryStatus;
  reason: string;
  user_id: number | null;
  created_at: string;
}

/** One row of a 往届获奖名单 the organizer uploaded. */
export interface PriorAwardsTable {
  id: Generated<number>;
  contest_id: number;
  title: string;
  /** Author names joined with 、 */
  authors: string;
  unit: string | null;
  year: string | null;
  award: string | null;
  /** File name of the uploaded list. */
  source: string;
  created_at: string;
}

export type EligibilityResult = Selectable<EligibilityResultsTable>;
export type EligibilityDecisionRow = Selectable<EligibilityDecisionsTable>;

/** 'library': compared against, never ranked (earlier years, references); 'template': its text is not counted (notice, forms). */
export type SimilarityRole = 'library' | 'template';

export interface SimilarityLibraryTable {
  id: Generated<number>;
  contest_id: number;
  role: SimilarityRole;
  /** File name as uploaded (inside a .zip: its path there). */
  name: string;
  sha256: string;
  size: number;
  /** Extracted text, the only thing the scan reads. */
  text: string;
  user_id: number | null;
  created_at: string;
}

/** One similarity scan of a contest; its reports, pairs and common text hang off it. */
export interface SimilarityRunsTable {
  id: Generated<number>;
  contest_id: number;
  /** 1, 2, … per contest. */
  version: number;
  status: 'running' | 'done' | 'failed';
  /** 'incremental': documents added to the previous run's prepared corpus; 'full': everything prepared anew. */
  mode: 'full' | 'incremental';
  /** Threshold, minimum match, document kinds, template names. */
  settings_json: JsonText<ScanSettingsSummary>;
  /** Hash of everything that changes results besides the documents (options, template texts, exclusions). */
  settings_signature: string;
  /** Hash of the compared documents (keys, contents, categories) in scan order. */
  corpus_signature: string;
  /** Entry documents ranked. */
  documents: number;
  library_documents: number;
  /** Documents prepared in this run (all of them for a full run). */
  added_documents: number;
  flagged: number;
  suspects: number;
  /** Time spent in the engine (preparing and comparing), and the whole run with database reads and writes. */
  compare_ms: number | null;
  duration_ms: number | null;
  error: string | null;
  user_id: number | null;
  started_at: string;
  finished_at: string | null;
}

/** One entry document's report in one run (the engine's DocumentReport). */
export interface SimilarityReportsTable {
  id: Generated<number>;
  run_id: number;
  /** The engine's id of the document: `f<file id>` or `l<library id>`. */
  doc_key: string;
  entry_id: number;
  file_id: number;
  /** Of the file as scanned: a later re-import changes it, and the spans no longer fit. */
  sha256: string;
  category: string | null;
  countable: number;
  template_chars: number;
  duplicate_chars: number;
  common_chars: number;
  quoted_duplicate_chars: number;
  rate: number;
  rate_excluding_quotes: number;
  max_source_rate: number;
  flagged: number;
  /** `{ key, library, sharedChars }[]`, most shared first. */
  sources_json: JsonText<StoredSourceShare[]>;
}

export interface SimilarityPairsTable {
  id: Generated<number>;
  run_id: number;
  a_key: string;
  b_key: string;
  a_shared: number;
  b_shared: number;
  a_library: number;
  b_library: number;
  cross_project: number;
  /** 一稿多投 suspect. */
  suspect: number;
  /** `[aStart, aEnd, bStart, bEnd][]` in UTF-16 offsets of each document's extracted text. */
  spans_json: JsonText<[number, number, number, number][]>;
}

export interface SimilarityCommonTable {
  id: Generated<number>;
  run_id: number;
  /** Normalized text of the passage. */
  text: string;
  entries: number;
  /** Document keys holding it. */
  documents_json: JsonText<string[]>;
}

/** A common passage the organizer ruled is not duplication (template text from the next scan on). */
export interface SimilarityExclusionsTable {
  id: Generated<number>;
  contest_id: number;
  text: string;
  reason: string;
  user_id: number | null;
  created_at: string;
}

export type SimilarityDecision = '取消资格' | '保留';

export interface SimilarityDecisionsTable {
  id: Generated<number>;
  contest_id: number;
  entry_id: number;
  /** The run the decision was made on, and the entry's rate in it. */
  run_id: number | null;
  decision: SimilarityDecision;
  rate: number | null;
  reason: string;
  user_id: number | null;
  created_at: string;
}

export type SimilarityRun = Selectable<SimilarityRunsTable>;

/** 均取消资格: both entries disqualified; 取消其一资格: one (the copy) disqualified; 撤回其一: one withdrawn; 不是同一作品: dismissed. */
export type SuspectDecision = '均取消资格' | '取消其一资格' | '撤回其一' | '不是同一作品';

/** The organizer's decision on a 一稿多投 / 相似主题 suspect (entries a < b by id); the latest per pair is in force. */
export interface SuspectDecisionsTable {
  id: Generated<number>;
  contest_id: number;
  entry_a: number;
  entry_b: number;
  decision: SuspectDecision;
  /** For 撤回其一: the entry withdrawn; for 取消其一资格: the entry disqualified. */
  withdrawn_entry_id: number | null;
  /** The suspect as it stood when decided: 一稿多投 or 相似主题, its score and its reasons (JSON array). */
  kind: '一稿多投' | '相似主题';
  score: number;
  reasons_json: JsonText<string[]>;
  reason: string;
  user_id: number | null;
  created_at: string;
}

export type SuspectDecisionRow = Selectable<SuspectDecisionsTable>;

/** A contest's suspects as last detected (src/suspects/store/suspects.ts), reused while `input_key` still matches. */
export interface SuspectSnapshotsTable {
  contest_id: number;
  /** Digest of everything detection read: entries, authors, files, the similarity run and the rules. */
  input_key: string;
  suspects_json: JsonText<StoredSuspects>;
  computed_at: string;
}

/** The closing time of a contest's stage (评审 …), for the whole contest or one panel (评审组). */
export interface DeadlinesTable {
  id: Generated<number>;
  contest_id: number;
  /** A stage key: the rule set's stages (src/intake/stages.ts) or src/deadlines/deadlines.ts (评审). */
  stage: string;
  /** A panel's own closing time; null: the contest's. */
  panel_id: number | null;
  /** ISO-8601 instant (UTC). */
  closes_at: string;
  user_id: number | null;
  updated_at: string;
}

/** A reminder sent to an expert who owed reviews: to whom, how, what it listed, and whether it went out. */
export interface RemindersTable {
  id: Generated<number>;
  contest_id: number;
  expert_id: number;
  channel: 'email';
  address: string;
  subject: string;
  /** Codes of the entries listed as owed. */
  entries_json: JsonText<string[]>;
  status: 'sent' | 'failed';
  error: string | null;
  user_id: number | null;
  sent_at: string;
}

export type Deadline = Selectable<DeadlinesTable>;
export type Reminder = Selectable<RemindersTable>;

/** A submitting unit of a contest (units/tree.ts). */
export interface UnitsTable {
  id: Generated<number>;
  contest_id: number;
  parent_id: number | null;
  name: string;
  kind: UnitKind;
  /** Other names, joined by 、 */
  aliases: string;
  sort_order: number;
  created_at: string;
}

export type IntakeDecisionKind = QuotaDecisionKind | 'admit-late' | 'refuse-late' | 'unit-submit';

/** An intake decision: on a unit under a quota, on one late entry, or a unit's submitted pick. */
export interface IntakeDecisionsTable {
  id: Generated<number>;
  contest_id: number;
  unit_id: number | null;
  entry_id: number | null;
  /** The quota's name, for quota decisions. */
  quota: string | null;
  decision: IntakeDecisionKind;
  /** Entries the unit had under the quota when decided. */
  count: number;
  reason: string | null;
  user_id: number | null;
  created_at: string;
}

export type UnitRowDb = Selectable<UnitsTable>;

/** A delegated intake account: the user (role 'unit') acts for this unit of this contest only. */
export interface UnitAccountsTable {
  user_id: number;
  contest_id: number;
  unit_id: number;
  created_by: number | null;
  created_at: string;
}

/** One saved version of a contest's rule set (version 1 is the one it was created with). */
export interface RuleVersionsTable {
  id: Generated<number>;
  contest_id: number;
  version: number;
  yaml: string;
  /** Why it was changed; null for the first version. */
  reason: string | null;
  user_id: number | null;
  created_at: string;
}

/** An item of the rule set's checklist (人工核查) an organizer confirmed for an entry. */
export interface ManualChecksTable {
  id: Generated<number>;
  contest_id: number;
  entry_id: number;
  /** The checklist item's text as the rule set words it. */
  item: string;
  user_id: number | null;
  created_at: string;
}
