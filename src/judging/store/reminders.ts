import { audit } from '../../audit/log.ts';
import { reminderEntries } from '../../db/columns.ts';
import { type Db, nowIso } from '../../db/connect.ts';
import type { Mailer } from '../../mail/mailer.ts';
import { reminderMessage } from '../reminders.ts';
import type { JudgingProgress } from './progress.ts';

/** Reminders by e-mail to experts who owe reviews, each recorded (to whom, what it listed, whether it went out). */

export interface ReminderOutcome {
  expertId: number;
  name: string;
  address: string | null;
  owed: number;
  status: 'sent' | 'failed' | 'no-address';
  error: string | null;
}

export interface ReminderRequest {
  contestId: number;
  contestName: string;
  progress: JudgingProgress;
  mailer: Mailer;
  /** Where experts sign in, for the link in the message. */
  loginUrl: string | null;
  sender: string;
  userId: number | null;
}

/** Sends one message to every expert who owes reviews and has an e-mail address; the others are reported, not skipped silently. */
export async function sendReminders(db: Db, r: ReminderRequest): Promise<ReminderOutcome[]> {
  const outcomes = await Promise.all(
    r.progress.owing.map(async (x): Promise<ReminderOutcome> => {
      const base = { expertId: x.expertId, name: x.name, address: x.email, owed: x.owed.length };
      if (!x.email) return { ...base, status: 'no-address', error: null };
      const message = reminderMessage({
        contestName: r.contestName,
        expertName: x.name,
        owed: x.owed,
        deadline: x.deadline,
        loginUrl: r.loginUrl,
        sender: r.sender,
      });
      let error: string | null = null;
      try {
        await r.mailer.send({ to: x.email, subject: message.subject, text: message.text });
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
      }
      await db
        .insertInto('reminders')
        .values({
          contest_id: r.contestId,
          expert_id: x.expertId,
          channel: 'email',
          address: x.email,
          subject: message.subject,
          entries_json: reminderEntries.write(x.owed.map((e) => e.code)),
          status: error ? 'failed' : 'sent',
          error,
          user_id: r.userId,
          sent_at: nowIso(),
        })
        .execute();
      return { ...base, status: error ? 'failed' : 'sent', error };
    }),
  );
  await audit(db, {
    userId: r.userId,
    contestId: r.contestId,
    action: 'reminders.send',
    subjectType: 'contest',
    subjectId: r.contestId,
    newValue: {
      sent: outcomes.filter((o) => o.status === 'sent').length,
      failed: outcomes.filter((o) => o.status === 'failed').length,
      noAddress: outcomes.filter((o) => o.status === 'no-address').length,
    },
  });
  return outcomes;
}

export interface SentReminder {
  id: number;
  expert: string;
  address: string;
  subject: string;
  entries: string[];
  status: 'sent' | 'failed';
  error: string | null;
  by: string | null;
  sentAt: string;
}

/** The contest's reminders, newest first. */
export async function listReminders(db: Db, contestId: number, limit = 200): Promise<SentReminder[]> {
  const rows = await db
    .selectFrom('reminders as r')
    .innerJoin('users as x', 'x.id', 'r.expert_id')
    .leftJoin('users as u', 'u.id', 'r.user_id')
    .select([
      'r.id',
      'x.display_name as expert',
      'r.address',
      'r.subject',
      'r.entries_json',
      'r.status',
      'r.error',
      'u.display_name as by',
      'r.sent_at',
    ])
    .where('r.contest_id', '=', contestId)
    .orderBy('r.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    expert: r.expert,
    address: r.address,
    subject: r.subject,
    entries: reminderEntries.read(r.entries_json),
    status: r.status,
    error: r.error,
    by: r.by,
    sentAt: r.sent_at,
  }));
}
