/**
 * Times as people in China read and write them: Asia/Shanghai (UTC+8 all year, no daylight saving), whatever the
 * server's own zone. Stored times are ISO-8601 instants.
 */
const OFFSET_MS = 8 * 3600_000;

const shifted = (iso: string): string => new Date(new Date(iso).getTime() + OFFSET_MS).toISOString();

/** "2024-05-01 14:03"; '' for none. */
export const shanghaiMinute = (iso: string | null | undefined): string => (iso ? shifted(iso).slice(0, 16).replace('T', ' ') : '');

/** "14:03:27". */
export const shanghaiClock = (iso: string): string => shifted(iso).slice(11, 19);

/** The value of an <input type="datetime-local"> showing the instant in Shanghai: "2024-05-01T14:03". */
export const shanghaiLocalInput = (iso: string | null | undefined): string => (iso ? shifted(iso).slice(0, 16) : '');

/**
 * Reads a date and time as written in Shanghai — "2024-09-30T18:00" (a datetime-local field), "2024-09-30 18:00",
 * or a date alone ("2024-09-30", meaning the end of that day, 23:59) — as an ISO instant; null when it is not one.
 */
export function parseShanghaiLocal(text: string): string | null {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2}))?$/.exec(text.trim());
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute] = m[4] === undefined ? [23, 59] : [Number(m[4]), Number(m[5])];
  const utc = Date.UTC(year, month - 1, day, hour, minute);
  const check = new Date(utc);
  // Date.UTC rolls 2024-02-31 over into March: such a date does not exist.
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59) return null;
  return new Date(utc - OFFSET_MS).toISOString();
}

/**
 * A date as a notice writes it — "2024-08-20", "2024-08-20 17:00", or "08-20" with no year (then `defaultYear`) —
 * as an ISO instant; a date alone opens at 00:00 and closes at 23:59 (“8月20日前完成”: the whole of 20 August).
 */
export function parseNoticeTime(text: string, defaultYear: number, edge: 'opens' | 'closes'): { at: string; yearGiven: boolean } | null {
  const m = /^\s*(?:(\d{4})-)?(\d{1,2}-\d{1,2})(?:[ T](\d{1,2}:\d{2}))?\s*$/.exec(text);
  if (!m) return null;
  const at = parseShanghaiLocal(`${m[1] ?? defaultYear}-${m[2]} ${m[3] ?? (edge === 'opens' ? '00:00' : '23:59')}`);
  return at ? { at, yearGiven: m[1] !== undefined } : null;
}
