import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createContest } from '../../src/contests/index.ts';
import type { Db } from '../../src/db/connect.ts';
import { importPath } from '../../src/ingest/import.ts';
import type { BlobStore } from '../../src/storage/blobs.ts';
import { caseDocumentSpec, makeDocx } from './docx.ts';
import { makePdf } from '../fixtures-media/pdf.ts';

/**
 * A small contest under the 2024 教师研修 notice, imported from generated files: two complete
 * entries, one whose 案例介绍 is over the 3000-字 limit and one whose 案例介绍 lacks the
 * 特色与创新 section. For the eligibility board's server and browser tests.
 */
export const ELIGIBILITY_RULES = 'rules/2024-platform-cases-teacher-training.yaml';

export const SUBMISSIONS = [
  {
    folder: '小学+实验小学+张明/区域研修应用案例',
    title: '智慧平台助力区域教研',
    teacher: '张明',
    category: 'regional-training',
    chars: 2000,
  },
  {
    folder: '初中+第一中学+王芳/区域研修应用案例',
    title: '县域研修共同体建设',
    teacher: '王芳',
    category: 'regional-training',
    chars: 4200,
  },
  {
    folder: '高中+高级中学+陈静/校本研修应用案例',
    title: '校本研修新样态',
    teacher: '陈静',
    category: 'school-based-training',
    chars: 2000,
    drop: '四、特色与创新',
  },
  {
    folder: '小学+城南小学+李华/校本研修应用案例',
    title: '以课例研究推动校本研修',
    teacher: '李华',
    category: 'school-based-training',
    chars: 2000,
  },
] as const;

export const OVER_LIMIT = SUBMISSIONS[1];
export const MISSING_SECTION = SUBMISSIONS[2];

const INFO_SHEET_SECTIONS: [string, string][] = [
  ['案例名称', '见案例介绍'],
  ['作者信息', '见报送系统'],
  ['案例类型', '教师研修'],
  ['案例概述', '本案例介绍依托国家中小学智慧教育平台开展教师研修的做法与成效。'],
  ['作者声明', '本案例为原创。'],
];

/** The submission files, path → bytes, in the notice's folder layout. */
export async function submissionFiles(): Promise<{ name: string; data: Buffer }[]> {
  const files: { name: string; data: Buffer }[] = [];
  for (const [i, s] of SUBMISSIONS.entries()) {
    const dir = `${s.folder}/${s.title}`;
    const spec = caseDocumentSpec(s.title, i + 1, s.chars);
    if ('drop' in s) spec.sections = spec.sections.filter((x) => x.heading !== s.drop);
    files.push({ name: `${dir}/案例介绍.docx`, data: await makeDocx(spec) });
    files.push({
      name: `${dir}/案例信息表.docx`,
      data: await makeDocx({
        title: '案例信息表',
        sections: INFO_SHEET_SECTIONS.map(([heading, text]) => ({ heading, paragraphs: [text] })),
      }),
    });
    files.push({ name: `${dir}/支撑材料-通知文件.pdf`, data: makePdf(['关于开展教师研修活动的通知']) });
  }
  return files;
}

/** Creates the contest and imports the submissions into it; returns the contest id and entry ids by title. */
export async function importEligibilityContest(db: Db, blobs: BlobStore): Promise<{ contestId: number; ids: Map<string, number> }> {
  const contestId = await createContest(db, {
    rulesYaml: await fs.readFile(ELIGIBILITY_RULES, 'utf8'),
    rulesSource: path.basename(ELIGIBILITY_RULES),
    userId: null,
  });
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'casejury-eligibility-submissions-'));
  try {
    for (const f of await submissionFiles()) {
      await fs.mkdir(path.dirname(path.join(root, f.name)), { recursive: true });
      await fs.writeFile(path.join(root, f.name), f.data);
    }
    await importPath(db, contestId, root, { blobs });
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
  const rows = await db.selectFrom('entries').select(['id', 'title']).where('contest_id', '=', contestId).execute();
  return { contestId, ids: new Map(rows.map((r) => [r.title, r.id])) };
}
