import { describe, expect, it } from 'vitest';
import { deadlineFor, timeLeft } from '../src/deadlines/deadlines.ts';
import { parseShanghaiLocal, shanghaiLocalInput, shanghaiMinute } from '../src/util/time.ts';

describe('closing times', () => {
  const close = parseShanghaiLocal('2024-09-30 18:00')!;
  const at = (text: string) => new Date(parseShanghaiLocal(text)!);

  it('reads and writes Shanghai time whatever the server’s zone', () => {
    expect(close).toBe('2024-09-30T10:00:00.000Z');
    expect(shanghaiMinute(close)).toBe('2024-09-30 18:00');
    expect(shanghaiLocalInput(close)).toBe('2024-09-30T18:00');
    expect(parseShanghaiLocal('2024-09-30')).toBe('2024-09-30T15:59:00.000Z');
    expect(parseShanghaiLocal('2024-02-30 10:00')).toBeNull();
    expect(parseShanghaiLocal('9月30日')).toBeNull();
  });

  it('says how long is left as people say it, and when it has passed', () => {
    expect(timeLeft(close, at('2024-09-27 14:30')).text).toBe('还剩 3 天 3 小时');
    expect(timeLeft(close, at('2024-09-30 15:15'))).toMatchObject({ text: '还剩 2 小时 45 分钟', urgent: true, overdue: false });
    expect(timeLeft(close, at('2024-09-30 17:59')).text).toBe('还剩 1 分钟');
    const late = timeLeft(close, at('2024-10-02 20:00'));
    expect(late).toMatchObject({ text: '已逾期 2 天 2 小时', overdue: true, closesAtText: '2024-09-30 18:00' });
  });

  it('takes an expert’s panel’s own closing time over the contest’s, the latest of several panels', () => {
    const rows = [
      { stage: 'judging', panelId: null, closesAt: '2024-10-10T10:00:00.000Z' },
      { stage: 'judging', panelId: 1, closesAt: '2024-09-30T10:00:00.000Z' },
      { stage: 'judging', panelId: 2, closesAt: '2024-10-01T10:00:00.000Z' },
      { stage: 'upload', panelId: null, closesAt: '2024-07-25T15:59:00.000Z' },
    ];
    expect(deadlineFor(rows, 'judging')?.closesAt).toBe('2024-10-10T10:00:00.000Z');
    expect(deadlineFor(rows, 'judging', [1])?.closesAt).toBe('2024-09-30T10:00:00.000Z');
    expect(deadlineFor(rows, 'judging', [1, 2])?.closesAt).toBe('2024-10-01T10:00:00.000Z');
    expect(deadlineFor(rows, 'judging', [3])?.closesAt).toBe('2024-10-10T10:00:00.000Z');
    expect(deadlineFor(rows.slice(1), 'judging', [3])).toBeNull();
  });
});
