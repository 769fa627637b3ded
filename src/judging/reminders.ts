import type { TimeLeft } from '../deadlines/deadlines.ts';

/**
 * What a reminder to an expert who owes reviews says: by e-mail (subject and text), and as one short line for
 * SMS or WeChat sent by hand. Pure: the store sends and records it.
 */

/** The signature when no organizer is named (the command line). */
export const DEFAULT_REMINDER_SENDER = '评审工作组';

export interface OwedEntry {
  code: string;
  title: string;
}

export interface ReminderInput {
  contestName: string;
  expertName: string;
  owed: OwedEntry[];
  /** The closing time that applies to the expert (their panel's or the contest's). */
  deadline: TimeLeft | null;
  /** Where the expert signs in; null when not known. */
  loginUrl: string | null;
  /** Who sends it, e.g. the organizer's name or office. */
  sender: string;
}

export interface ReminderMessage {
  subject: string;
  text: string;
  /** One line for SMS or WeChat. */
  short: string;
}

const deadlineLine = (d: TimeLeft): string =>
  d.overdue ? `评审截止时间 ${d.closesAtText} 已过（${d.text}），请尽快完成。` : `评审截止时间：${d.closesAtText}（${d.text}）。`;

export function reminderMessage(r: ReminderInput): ReminderMessage {
  const n = r.owed.length;
  const lines = [
    `${r.expertName}老师：您好！`,
    '',
    `您在“${r.contestName}”中还有 ${n} 件作品尚未提交评分：`,
    ...r.owed.map((e, i) => `  ${i + 1}. ${e.code}　${e.title}`),
    '',
    ...(r.deadline ? [deadlineLine(r.deadline)] : []),
    r.loginUrl ? `请登录 ${r.loginUrl} ，在“我的评审”中完成评分并提交。` : '请登录评审系统，在“我的评审”中完成评分并提交。',
    '如已提交，请忽略本邮件；如需回避或有其他情况，请与组织者联系。',
    '',
    r.sender,
  ];
  const due = r.deadline ? `，截止 ${r.deadline.closesAtText}` : '';
  return {
    subject: `【评审提醒】${r.contestName}：您还有 ${n} 件作品待评`,
    text: `${lines.join('\n')}\n`,
    short: `【${r.contestName}】${r.expertName}老师您好，您还有 ${n} 件作品（${r.owed.map((e) => e.code).join('、')}）待评${due}，请登录评审系统完成评分。`,
  };
}
