import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Every table of casejury. Timestamps are ISO-8601 strings so SQLite and PostgreSQL agree. */
export interface Database {
  users: UsersTable;
  contests: ContestsTable;
  categories: CategoriesTable;
  entries: EntriesTable;
  authors: AuthorsTable;
  files: FilesTable;
  import_batches: ImportBatchesTable;
  import_items: ImportItemsTable;
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
}

export type Role = 'admin' | 'organizer' | 'expert';

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

export interface CategoriesTable {
  id: Generated<number>;
  contest_id: number;
  /** Stable key from the rule set. */
  key: string;
  name: string;
  sort_order: number;
}

export type EntryStatus = 'submitted' | 'eligible' | 'returned' | 'disqualified' | 'withdrawn';

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
  created_at: string;
}

export interface ImportBatchesTable {
  id: Generated<number>;
  contest_id: number;
  source: string;
  status: 'running' | 'done' | 'failed';
  imported: number;
  skipped: number;
  error_count: number;
  errors_json: string;
  user_id: number | null;
  started_at: string;
  finished_at: string | null;
}

/** One row per entry a batch has committed, so a killed import resumes where it stopped. */
export interface ImportItemsTable {
  id: Generated<number>;
  batch_id: number;
  entry_key: string;
  entry_id: number | null;
  done_at: string;
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
  payload_json: string;
  result_json: string | null;
  locked_by: string | null;
  locked_at: string | null;
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
  scores_json: string;
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
export type ImportBatch = Selectable<ImportBatchesTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type Job = Selectable<JobsTable>;
export type Panel = Selectable<PanelsTable>;
export type Assignment = Selectable<AssignmentsTable>;
export type Review = Selectable<ReviewsTable>;

/**
 * An organizer's decision on one entry, with a required reason (also audited):
 * 'band' puts it in `value` (a band name) or, with null, out of every band; 'quota' sets its
 * recommendation (推优) to `value` 'recommend' or 'withhold'; 'release' lets it through despite
 * missing reviews or a score discrepancy (`value` null).
 */
export type AwardOverrideKind = 'band' | 'quota' | 'release';

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
  snapshot_json: string;
}

export type AwardOverride = Selectable<AwardOverridesTable>;
export type AwardPublication = Selectable<AwardPublicationsTable>;

/** The latest automatic eligibility check (形式审查) of one entry. */
export interface EligibilityResultsTable {
  id: Generated<number>;
  contest_id: number;
  entry_id: number;
  /** The check results, `{ id, status, message }[]`, as JSON. */
  checks_json: string;
  /** The worst status among the checks. */
  verdict: 'pass' | 'warn' | 'fail';
  fail_count: number;
  warn_count: number;
  checked_at: string;
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
