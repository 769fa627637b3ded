import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { nowIso } from '../db/connect.ts';

export interface AuditEvent {
  userId: number | null;
  contestId: number | null;
  action: string;
  subjectType: string;
  subjectId?: string | number | null;
  oldValue?: unknown;
  newValue?: unknown;
  reason?: string | null;
}

/** An audit value as stored: text as it is, anything else as JSON. */
export const auditText = (v: unknown): string | null =>
  v === undefined || v === null ? null : typeof v === 'string' ? v : JSON.stringify(v);

/** Appends to the audit log; pass the transaction that makes the change so both commit together. */
export async function audit(db: Kysely<Database> | Transaction<Database>, e: AuditEvent): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at: nowIso(),
      user_id: e.userId,
      contest_id: e.contestId,
      action: e.action,
      subject_type: e.subjectType,
      subject_id: e.subjectId === undefined || e.subjectId === null ? null : String(e.subjectId),
      old_value: auditText(e.oldValue),
      new_value: auditText(e.newValue),
      reason: e.reason ?? null,
    })
    .execute();
}
