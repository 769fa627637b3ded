import { entryIdByCode } from '../../awards/store/overrides.ts';
import { contestRuleSet } from '../../contests/index.ts';
import type { Db } from '../../db/connect.ts';
import { decide } from '../../eligibility/store/decisions.ts';
import { decideOnEntry } from '../../similarity/store/decisions.ts';
import { contestSuspects, decideSuspect } from '../../suspects/store/suspects.ts';
import { entryGates } from '../gates.ts';
import { loadGateInput } from './gates.ts';

/**
 * The organizer's decisions on what the gates hold, by entry code (`casejury decide`): the same audited
 * decisions the 形式审查, 查重 and 一稿多投 pages record, through the same functions.
 */

export type DecideOn = 'eligibility' | 'similarity' | 'suspect';

export interface DecideRequest {
  on: DecideOn;
  keep: boolean;
  /** Entry codes; null: every entry with an open item of this kind. */
  codes: string[] | null;
  reason: string;
  userId: number | null;
}

export interface DecidedItem {
  code: string;
  decision: string;
  /** For a suspect pair: the other entry. */
  partner?: string;
}

/** Codes of the entries the gates hold for `on`. */
async function openCodes(db: Db, contestId: number, on: Exclude<DecideOn, 'suspect'>): Promise<string[]> {
  const gates = entryGates(await loadGateInput(db, contestId, await contestRuleSet(db, contestId)));
  return [...new Set(gates.blockers.filter((b) => b.kind === on && b.code !== null).map((b) => b.code as string))];
}

export async function decideByCode(db: Db, contestId: number, request: DecideRequest): Promise<DecidedItem[]> {
  const { on, keep, reason, userId } = request;
  if (!reason.trim()) throw new Error('请填写理由（--reason）');
  if (on === 'suspect') return decideSuspects(db, contestId, request);
  const codes = request.codes ?? (await openCodes(db, contestId, on));
  if (codes.length === 0) return [];
  const ids = [];
  for (const code of codes) ids.push(await entryIdByCode(db, contestId, code));
  if (on === 'eligibility') {
    const decision = keep ? '通过' : '取消资格';
    await decide(db, contestId, ids, decision, reason, userId);
    return codes.map((code) => ({ code, decision }));
  }
  const decision = keep ? '保留' : '取消资格';
  for (const id of ids) await decideOnEntry(db, contestId, id, decision, reason, userId);
  return codes.map((code) => ({ code, decision }));
}

/**
 * --keep: every open pair of the entry is 不是同一作品; --disqualify: the entry is the copy, 取消其一资格 in
 * each of its open pairs. With --all-open only --keep applies (which side is the copy is the organizer's call).
 */
async function decideSuspects(db: Db, contestId: number, { keep, codes, reason, userId }: DecideRequest): Promise<DecidedItem[]> {
  if (!codes && !keep) throw new Error('一稿多投取消资格须指明作品编号（抄袭或重复报送的一件），不能用 --all-open');
  const open = (await contestSuspects(db, contestId)).suspects.filter((s) => s.decision === null);
  const decided: DecidedItem[] = [];
  const pairs = codes
    ? codes.flatMap((code) => {
        const mine = open.filter((s) => s.a.code === code || s.b.code === code);
        if (mine.length === 0) throw new Error(`作品 ${code} 没有未处理的一稿多投或相似主题嫌疑`);
        return mine.map((s) => ({ s, code }));
      })
    : open.map((s) => ({ s, code: s.a.code }));
  const done = new Set<string>();
  for (const { s, code } of pairs) {
    const key = `${s.a.id}-${s.b.id}`;
    if (done.has(key)) continue;
    done.add(key);
    const chosen = s.a.code === code ? s.a : s.b;
    const decision = keep ? '不是同一作品' : '取消其一资格';
    await decideSuspect(db, contestId, { entries: [s.a.id, s.b.id], decision, withdraw: keep ? null : chosen.id, reason, userId });
    decided.push({ code, decision, partner: chosen === s.a ? s.b.code : s.a.code });
  }
  return decided;
}
