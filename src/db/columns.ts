import { z } from 'zod';
import { canonicalJson, type AwardSnapshot } from '../awards/publication.ts';
import type { CheckResult } from '../eligibility/types.ts';
import type { DocumentProperties } from '../ingest/extract/parts.ts';
import type { ImportProblem } from '../ingest/problems.ts';
import type { Suspect } from '../suspects/detect.ts';
import { jsonColumn } from './json.ts';

/**
 * Every JSON column's codec, in one place: what the column holds (the zod schema, checked on every read)
 * and how it is written. src/db/schema.ts types each column as `JsonText<T>` of the same T.
 */

const checkStatus = z.enum(['pass', 'warn', 'fail']);

/** reviews.scores_json: criterion key → points (null: not yet scored). */
export const reviewScores = jsonColumn<Record<string, number | null>>('reviews.scores_json', z.record(z.string(), z.number().nullable()));

/** eligibility_results.checks_json */
export const eligibilityChecks = jsonColumn<CheckResult[]>(
  'eligibility_results.checks_json',
  z.array(z.object({ id: z.string(), status: checkStatus, message: z.string() })),
);

const importProblem: z.ZodType<ImportProblem> = z.object({ path: z.string(), message: z.string() });

/** files.properties_json: a document's author, last modifier and company, as its own properties say. */
export const documentProperties = jsonColumn<DocumentProperties>(
  'files.properties_json',
  z.object({ author: z.string().optional(), lastModifiedBy: z.string().optional(), company: z.string().optional() }),
);

/** reminders.entries_json: codes of the entries a reminder listed. */
export const reminderEntries = jsonColumn<string[]>('reminders.entries_json', z.array(z.string()));

/** jobs.payload_json: each job kind adds its own fields to the contest it works on (its handler reads them). */
export type StoredJobPayload = { contestId: number | null; [field: string]: unknown };
export const jobPayload = jsonColumn<StoredJobPayload>('jobs.payload_json', z.looseObject({ contestId: z.number().nullable() }));

/** jobs.result_json of an import job (ImportSummary). */
export const importJobResult = jsonColumn(
  'jobs.result_json（导入）',
  z
    .object({
      batchId: z.number(),
      imported: z.number(),
      skipped: z.number(),
      unchanged: z.number(),
      errors: z.array(importProblem),
      // Results stored before scans were read by OCR have none.
      ocrPending: z.number().default(0),
      // Summaries stored before problems were counted apart listed all of them.
      errorCount: z.number().optional(),
    })
    .transform((s) => ({ ...s, errorCount: s.errorCount ?? s.errors.length })),
);

/** jobs.result_json of an eligibility run (RunSummary). */
export const checkJobResult = jsonColumn(
  'jobs.result_json（形式审查）',
  z.object({ checked: z.number(), pass: z.number(), warn: z.number(), fail: z.number(), checkedAt: z.string() }),
);

/** jobs.result_json of any job, for the job table itself: stored as the handler returned it. */
export const jobResult = jsonColumn<unknown>('jobs.result_json', z.unknown());

const scanSettingsSummarySchema = z.object({
  threshold: z.number(),
  minMatch: z.number(),
  commonMinShare: z.number(),
  commonMinEntries: z.number(),
  documentKinds: z.array(z.string()),
  ruleTemplateTexts: z.number(),
  templateFiles: z.array(z.string()),
  exclusions: z.number(),
});
/** audit_log.new_value of an automatic assignment: the options the next run starts from. */
export const autoAssignAudit = jsonColumn(
  'audit_log.new_value（自动分配）',
  z.looseObject({ perEntry: z.number().optional(), avoidSameCounty: z.boolean().optional() }),
);

/** similarity_runs.settings_json: what a scan compared, for the pages. */
export type ScanSettingsSummary = z.infer<typeof scanSettingsSummarySchema>;
export const scanSettingsSummary = jsonColumn('similarity_runs.settings_json', scanSettingsSummarySchema);

/** similarity_reports.sources_json: the documents a report's text was found in, most shared first. */
export interface StoredSourceShare {
  key: string;
  library: boolean;
  sharedChars: number;
}
export const reportSources = jsonColumn<StoredSourceShare[]>(
  'similarity_reports.sources_json',
  z.array(z.object({ key: z.string(), library: z.boolean(), sharedChars: z.number() })),
);

/** similarity_pairs.spans_json: `[aStart, aEnd, bStart, bEnd]` in UTF-16 offsets of each document's text. */
export const pairSpans = jsonColumn<[number, number, number, number][]>(
  'similarity_pairs.spans_json',
  z.array(z.tuple([z.number(), z.number(), z.number(), z.number()])),
);

/** similarity_common.documents_json: document keys holding a common passage. */
export const commonDocuments = jsonColumn<string[]>('similarity_common.documents_json', z.array(z.string()));

/** suspect_decisions.reasons_json: the suspect's reasons as they stood when decided. */
export const suspectReasons = jsonColumn<string[]>('suspect_decisions.reasons_json', z.array(z.string()));

/** suspect_snapshots.suspects_json: the suspects detection found and the similarity run whose overlaps it counted. */
export interface StoredSuspects {
  suspects: Suspect[];
  textRun: { version: number; finishedAt: string | null } | null;
}
const signal = z.number();
export const storedSuspects = jsonColumn<StoredSuspects>(
  'suspect_snapshots.suspects_json',
  z.object({
    suspects: z.array(
      z.object({
        a: z.string(),
        b: z.string(),
        kind: z.enum(['一稿多投', '相似主题']),
        score: z.number(),
        reasons: z.array(z.string()),
        signals: z.object({ person: signal, title: signal, topic: signal, attachments: signal, text: signal }),
      }),
    ),
    textRun: z.object({ version: z.number(), finishedAt: z.string().nullable() }).nullable(),
  }),
);

/**
 * award_publications.snapshot_json: written as canonical JSON so its sha256 is stable. The awards inside are
 * the computation's own output of that day and are kept as they were, so only the envelope is checked.
 */
export const awardSnapshot = jsonColumn<AwardSnapshot>(
  'award_publications.snapshot_json',
  z.object({
    format: z.literal(1),
    rules: z.object({ source: z.string(), yaml: z.string() }),
    awards: z.custom<AwardSnapshot['awards']>((v) => typeof v === 'object' && v !== null && 'groups' in v, '缺少获奖分组'),
  }),
  canonicalJson,
);
