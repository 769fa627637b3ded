import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, nowIso } from '../src/db/connect.ts';
import { pickExtraReviewer, type AssignableExpert } from '../src/judging/assign.ts';
import {
  addExtraReviewer,
  assignmentConflict,
  lastAssignOptions,
  moveAssignment,
  runAutoAssign,
} from '../src/judging/store/assignments.ts';
import { expertRowProblem } from '../src/judging/experts.ts';
import { contestExperts, importExperts } from '../src/judging/store/experts.ts';
import { expertEntryView } from '../src/judging/expert-view.ts';
import { contestPanels, createPanel, setPanelMember } from '../src/judging/store/panels.ts';
import { openReview, saveOpenedReview } from '../src/judging/store/reviews.ts';
import { testDatabases } from './helpers/db.ts';
import { seedContest } from './helpers/seed.ts';

/** The judging functions the web pages added: blind views, one more reviewer, moves, panels, expert lists. */

describe('the expert view of an entry', () => {
  const input = {
    authors: [{ name: '欧阳明月', unit: '城关第一小学', county: '城关区' }],
    files: [
      { id: 1, original_path: '欧阳明月-案例介绍.docx', kind: '案例介绍', ext: 'docx', size: 10, html: '<p>正文</p>' },
      { id: 2, original_path: '附件/欧阳明月信息表.docx', kind: '信息表', ext: 'docx', size: 10, html: '<p>欧阳明月 城关第一小学</p>' },
      { id: 3, original_path: '课堂实录（欧阳明月）.mp4', kind: '视频', ext: 'mp4', size: 10, html: null },
      { id: 4, original_path: '说课（欧阳明月）.MP4', kind: '视频', ext: 'mp4', size: 10, html: null },
      { id: 5, original_path: '照片/欧阳明月.jpg', kind: '支撑材料', ext: 'jpg', size: 10, html: null },
    ],
  };
  const sanitize = (html: string) => html.replace('正文', '正文（已净化）');

  it('in a blind contest names no author: no author rows, neutral labels, no registration form, only videos to download', () => {
    const view = expertEntryView({ ...input, blind: true }, sanitize);
    expect(view.authors).toBeNull();
    expect(view.files.map((f) => f.label)).toEqual(['案例介绍.docx', '视频 1.mp4', '视频 2.mp4', '支撑材料.jpg']);
    expect(view.files.filter((f) => f.downloadable).map((f) => f.id)).toEqual([3, 4]);
    expect(view.documents).toEqual([{ fileId: 1, label: '案例介绍.docx', html: '<p>正文（已净化）</p>' }]);
    expect(JSON.stringify(view)).not.toContain('欧阳明月');
  });

  it('in an open contest shows authors, the paths as submitted and every file for download', () => {
    const view = expertEntryView({ ...input, blind: false }, sanitize);
    expect(view.authors).toEqual(input.authors);
    expect(view.files.map((f) => f.label)).toContain('附件/欧阳明月信息表.docx');
    expect(view.files.every((f) => f.downloadable)).toBe(true);
    expect(view.documents).toHaveLength(2);
  });
});

describe('picking one more reviewer', () => {
  const entry = { id: 1, panel: 'A', authors: [{ unit: '实验小学', county: '东城区' }] };
  const experts: AssignableExpert[] = [
    { id: 10, unit: '教研室', county: '西城区', panels: ['A'] },
    { id: 11, unit: '实验小学', county: '西城区', panels: ['A'] },
    { id: 12, unit: '电教馆', county: '东城区', panels: ['A'] },
    { id: 13, unit: '教科院', county: '南区', panels: ['B'] },
    { id: 14, unit: '教师发展中心', county: '北区', panels: ['A'] },
  ];

  it('takes the least-loaded conflict-free panel member who is not on the entry yet', () => {
    const loads = new Map([
      [10, 5],
      [12, 1],
      [14, 3],
    ]);
    expect(pickExtraReviewer(entry, experts, loads, new Set(), { avoidSameCounty: false })).toBe(12);
    // Same county is avoided only when asked; a current reviewer is never picked; the same unit never.
    expect(pickExtraReviewer(entry, experts, loads, new Set(), { avoidSameCounty: true })).toBe(14);
    expect(pickExtraReviewer(entry, experts, loads, new Set([12, 14]), { avoidSameCounty: false })).toBe(10);
    expect(pickExtraReviewer(entry, experts, loads, new Set([10, 12, 14]), { avoidSameCounty: false })).toBeNull();
  });
});

describe.each(testDatabases)('judging changes the pages make, on $name', ({ open }) => {
  let db: Db;
  let s: Awaited<ReturnType<typeof seedContest>>;
  let panelId: number;
  beforeEach(async () => {
    db = await open();
    s = await seedContest(db, { entries: 3, experts: 4 });
    panelId = await createPanel(db, s.contestId, { categoryId: s.categoryId, groupName: null, name: null }, 1);
    for (const x of s.expertIds) await setPanelMember(db, s.contestId, panelId, x, true, 1);
  });
  afterEach(() => db.destroy());

  const active = (entryId: number) =>
    db
      .selectFrom('assignments')
      .select('expert_id')
      .where('entry_id', '=', entryId)
      .where('status', '=', 'active')
      .orderBy('expert_id')
      .execute();

  it('creates panels per category (or group) once, and manages members with an audit trail', async () => {
    await expect(createPanel(db, s.contestId, { categoryId: s.categoryId, groupName: null, name: null }, 1)).rejects.toThrow('已存在');
    await expect(createPanel(db, s.contestId, { categoryId: s.categoryId, groupName: null, name: '另一个组' }, 1)).rejects.toThrow(
      '已负责该类别',
    );
    const group = await createPanel(db, s.contestId, { categoryId: s.categoryId, groupName: '小学', name: null }, 1);
    await expect(createPanel(db, s.contestId, { categoryId: 99999, groupName: null, name: null }, 1)).rejects.toThrow(
      '请选择本竞赛的一个类别',
    );
    await setPanelMember(db, s.contestId, panelId, s.expertIds[3], false, 1);
    const panels = await contestPanels(db, s.contestId);
    expect(panels.map((p) => [p.name, p.members.length])).toEqual([
      ['区域研修应用案例评审组', 3],
      ['区域研修应用案例（小学）评审组', 0],
    ]);
    expect(panels[1].id).toBe(group);
    const log = await db.selectFrom('audit_log').select('action').where('subject_type', '=', 'panel').execute();
    expect(log.filter((l) => l.action === 'panel.member.remove')).toHaveLength(1);
  });

  it('remembers the last run’s options for re-runs (回避), and adds one more reviewer on request', async () => {
    expect(await lastAssignOptions(db, s.contestId, 3)).toEqual({ perEntry: 3, avoidSameCounty: false });
    await runAutoAssign(db, s.contestId, { perEntry: 2, avoidSameCounty: true, userId: 1 });
    expect(await lastAssignOptions(db, s.contestId, 3)).toEqual({ perEntry: 2, avoidSameCounty: true });

    const entryId = s.entryIds[0];
    const before = (await active(entryId)).map((a) => a.expert_id);
    expect(before).toHaveLength(2);
    const added = await addExtraReviewer(db, s.contestId, entryId, false, '评分分歧', 1);
    expect(added).not.toBeNull();
    expect(before).not.toContain(added);
    expect(await active(entryId)).toHaveLength(3);
    await addExtraReviewer(db, s.contestId, entryId, false, '评分分歧', 1);
    // All four panel members are on it now: nobody is left.
    expect(await addExtraReviewer(db, s.contestId, entryId, false, '评分分歧', 1)).toBeNull();
    await expect(addExtraReviewer(db, s.contestId, entryId, false, ' ', 1)).rejects.toThrow('原因');
  });

  it('moves an entry from one expert to another in one audited step, and names conflicts', async () => {
    await runAutoAssign(db, s.contestId, { perEntry: 2, avoidSameCounty: false, userId: 1 });
    const entryId = s.entryIds[1];
    const onIt = (await active(entryId)).map((a) => a.expert_id);
    const [from, other] = onIt;
    const free = s.expertIds.find((x) => !onIt.includes(x))!;
    await expect(moveAssignment(db, s.contestId, entryId, free, other, '出差', 1)).rejects.toThrow('并未评审');
    await expect(moveAssignment(db, s.contestId, entryId, from, from, '出差', 1)).rejects.toThrow('另一位专家');
    await expect(moveAssignment(db, s.contestId, entryId, from, free, '', 1)).rejects.toThrow('原因');
    await moveAssignment(db, s.contestId, entryId, from, free, '专家出差', 1);
    const after = (await active(entryId)).map((a) => a.expert_id);
    expect(after).toContain(free);
    expect(after).not.toContain(from);
    const log = await db.selectFrom('audit_log').select(['action', 'reason']).where('reason', '=', '专家出差').orderBy('id').execute();
    expect(log.map((l) => l.action)).toEqual(['assignment.remove', 'assignment.add']);

    // The seed's author 1 works at 学校1: an expert from there must recuse.
    await db.updateTable('users').set({ unit: '学校1' }).where('id', '=', s.expertIds[0]).execute();
    expect(await assignmentConflict(db, s.entryIds[0], s.expertIds[0], false)).toBe('与作者同单位（学校1）');
    expect(await assignmentConflict(db, s.entryIds[1], s.expertIds[0], false)).toBeNull();
    // Seeded authors are in 东城区, experts in 西城区.
    expect(await assignmentConflict(db, s.entryIds[1], s.expertIds[1], true)).toBeNull();
  });

  it('does not save into an assignment taken away meanwhile', async () => {
    const now = nowIso();
    const { id } = await db
      .insertInto('assignments')
      .values({
        contest_id: s.contestId,
        entry_id: s.entryIds[2],
        expert_id: s.expertIds[0],
        status: 'active',
        reason: null,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const review = (await openReview(db, id, s.expertIds[0]))!;
    await db.updateTable('assignments').set({ status: 'removed' }).where('id', '=', id).execute();
    const criteria = [{ key: 'a', name: 'A', max: 10 }];
    const outcome = await saveOpenedReview(db, review, {
      assignmentId: id,
      expertId: s.expertIds[0],
      criteria,
      raw: { a: '5' },
      comment: '',
      baseVersion: 0,
    });
    expect(outcome.status).toBe('conflict');
    expect((await db.selectFrom('reviews').select('version').where('id', '=', review.id).executeTakeFirstOrThrow()).version).toBe(0);
  });

  it('checks expert details, gives every new account a free username, and lists the contest’s experts', async () => {
    expect(expertRowProblem({ name: '', unit: null, county: null, phone: null, email: null, specialties: null, panel: null })).toBe(
      '缺少姓名',
    );
    expect(expertRowProblem({ name: '甲', unit: null, county: null, phone: null, email: 'a@b', specialties: null, panel: null })).toBe(
      '邮箱“a@b”格式不对',
    );
    // importExperts reads the contest's rule set (for category aliases).
    await db
      .updateTable('contests')
      .set({ rules_yaml: fs.readFileSync('rules/2024-platform-cases-teacher-training.yaml', 'utf8') })
      .where('id', '=', s.contestId)
      .execute();
    // Two lists both without phone numbers: row 2 of each would give the same username.
    const row = (name: string) => ({
      row: 2,
      name,
      unit: '市教研室',
      county: null,
      phone: null,
      email: null,
      specialties: null,
      panel: null,
    });
    const first = await importExperts(db, s.contestId, [row('甲专家')], 1);
    const second = await importExperts(db, s.contestId, [row('乙专家')], 1);
    expect(first.created[0].username).toBe(`zj${s.contestId}-2`);
    expect(second.created[0].username).toBe(`zj${s.contestId}-2-2`);
    const listed = await contestExperts(db, s.contestId);
    expect(listed.map((x) => x.name)).toEqual(expect.arrayContaining(['甲专家', '乙专家', '专家1']));
    expect(listed.find((x) => x.name === '甲专家')!.pendingPassword).toBe(true);
    expect(listed.find((x) => x.name === '甲专家')!.panels).toEqual(['区域研修应用案例评审组']);
  });
});
