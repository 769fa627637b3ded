import { shanghaiMinute } from '../util/time.ts';

/**
 * Closing times of a contest's stages, and how much time is left. One model for every stage: a contest has at most
 * one closing time per stage, and a panel (评审组) may have its own for judging; the panel's wins for its members.
 * Later stages (作品上传, 校级推荐, 区县推优 …) add their keys to DEADLINE_STAGES.
 */

/** The stage key of judging's closing times. */
export const JUDGING_STAGE = 'judging';

export const DEADLINE_STAGES = {
  [JUDGING_STAGE]: '专家评审',
} as const;
export type DeadlineStage = keyof typeof DEADLINE_STAGES;

export const isDeadlineStage = (key: string): key is DeadlineStage => key in DEADLINE_STAGES;

export interface StageDeadline {
  stage: string;
  /** null: the contest's closing time; else the panel's own. */
  panelId: number | null;
  /** ISO instant. */
  closesAt: string;
}

/** The closing time that applies to someone in `panelIds` (an expert's panels): the latest of their panels' own, else the contest's. */
export function deadlineFor(deadlines: readonly StageDeadline[], stage: string, panelIds: readonly number[] = []): StageDeadline | null {
  const own = deadlines.filter((d) => d.stage === stage && d.panelId !== null && panelIds.includes(d.panelId));
  if (own.length) return own.reduce((a, b) => (a.closesAt >= b.closesAt ? a : b));
  return deadlines.find((d) => d.stage === stage && d.panelId === null) ?? null;
}

export interface TimeLeft {
  closesAt: string;
  /** "2024-09-30 18:00" (Asia/Shanghai). */
  closesAtText: string;
  overdue: boolean;
  /** Less than a day left (or overdue): shown as urgent. */
  urgent: boolean;
  /** "还剩 3 天 4 小时", "还剩 45 分钟", "已逾期 2 小时". */
  text: string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A duration as people say it: days and hours, hours and minutes, or minutes. */
function spoken(ms: number): string {
  if (ms >= DAY) {
    const hours = Math.floor((ms % DAY) / HOUR);
    return `${Math.floor(ms / DAY)} 天${hours ? ` ${hours} 小时` : ''}`;
  }
  if (ms >= HOUR) {
    const minutes = Math.floor((ms % HOUR) / MINUTE);
    return `${Math.floor(ms / HOUR)} 小时${minutes ? ` ${minutes} 分钟` : ''}`;
  }
  return `${Math.max(1, Math.floor(ms / MINUTE))} 分钟`;
}

/** How long until `closesAt` (ISO instant) as of `now`. */
export function timeLeft(closesAt: string, now: Date): TimeLeft {
  const ms = new Date(closesAt).getTime() - now.getTime();
  const overdue = ms <= 0;
  return {
    closesAt,
    closesAtText: shanghaiMinute(closesAt),
    overdue,
    urgent: ms < DAY,
    text: overdue ? `已逾期 ${spoken(-ms)}` : `还剩 ${spoken(ms)}`,
  };
}
