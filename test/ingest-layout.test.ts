import { describe, expect, it } from 'vitest';
import { groupIntoEntries, junkReason, parseTeacherFolder } from '../src/ingest/layout.ts';
import { classifyEntryFiles, classifyFile, isMaterialFolderName } from '../src/ingest/classify.ts';
import { matchCategory } from '../src/ingest/categories.ts';

const CATEGORIES = [
  { id: 1, key: 'fusion', name: '融合创新应用教学案例' },
  { id: 2, key: 'fusion-quality', name: '融合创新应用教学案例（“素质教育”主题）' },
  { id: 3, key: 'school-research', name: '国家中小学智慧教育平台校本研修案例', aliases: ['校本研修案例'] },
  { id: 4, key: 'resources', name: '精品学习资源' },
];
const isCategory = (label: string) => matchCategory(label, CATEGORIES) !== null;

describe('parseTeacherFolder', () => {
  it.each([
    ['小学+XX市实验小学+张三', '小学', 'XX市实验小学', ['张三']],
    ['初中-第一中学-李四', '初中', '第一中学', ['李四']],
    ['高中_育才高级中学_王五、赵六', '高中', '育才高级中学', ['王五', '赵六']],
    ['幼儿园—阳光幼儿园—陈晨', '幼儿园', '阳光幼儿园', ['陈晨']],
    ['中职 XX市职业技术学校 刘洋', '中职', 'XX市职业技术学校', ['刘洋']],
    ['小学XX市实验小学张三', '小学', 'XX市实验小学', ['张三']],
    ['小学组+城关镇中心校+欧阳明月', '小学', '城关镇中心校', ['欧阳明月']],
    ['XX县第二中学+孙丽', null, 'XX县第二中学', ['孙丽']],
    ['第一中学+初中+周杰', '初中', '第一中学', ['周杰']],
  ])('%s', (name, group, school, teachers) => {
    const parsed = parseTeacherFolder(name);
    expect(parsed).not.toBeNull();
    expect(parsed!.group).toBe(group);
    expect(parsed!.school).toBe(school);
    expect(parsed!.teachers).toEqual(teachers);
  });

  it.each(['小学数学图形的位置与运动重难点教学探究', '融合创新应用教学案例', '支撑材料', '基于国家平台的校本研修实践'])(
    'does not take %s for a teacher folder',
    (name) => expect(parseTeacherFolder(name)).toBeNull(),
  );
});

describe('junkReason', () => {
  it('skips lock files and system files but not documents', () => {
    expect(junkReason('a/~$案例介绍.docx')).toMatch(/锁定文件/);
    expect(junkReason('__MACOSX/a/._x.docx')).toMatch(/__MACOSX/);
    expect(junkReason('a/.DS_Store')).toMatch(/macOS/);
    expect(junkReason('a/Thumbs.db')).toMatch(/Windows/);
    expect(junkReason('a/案例介绍.docx')).toBeNull();
  });
});

describe('groupIntoEntries', () => {
  it('reads the official three-level layout', () => {
    const { entries, skipped, unassigned } = groupIntoEntries(
      [
        '小学+XX市实验小学+张三/融合创新应用教学案例/智慧课堂里的古诗教学/案例介绍.docx',
        '小学+XX市实验小学+张三/融合创新应用教学案例/智慧课堂里的古诗教学/作品登记表.pdf',
        '小学+XX市实验小学+张三/融合创新应用教学案例/智慧课堂里的古诗教学/教学录像.mp4',
        '小学+XX市实验小学+张三/融合创新应用教学案例/智慧课堂里的古诗教学/~$案例介绍.docx',
        '初中-第一中学-李四/精品学习资源/物理实验微课/说明文档.docx',
        '初中-第一中学-李四/精品学习资源/物理实验微课/支撑材料/照片1.jpg',
      ],
      { isCategory },
    );
    expect(unassigned).toEqual([]);
    expect(skipped.map((s) => s.path)).toEqual(['小学+XX市实验小学+张三/融合创新应用教学案例/智慧课堂里的古诗教学/~$案例介绍.docx']);
    expect(entries).toHaveLength(2);
    const [li, zhang] = entries;
    expect(zhang).toMatchObject({
      entryFolder: '小学+XX市实验小学+张三/融合创新应用教学案例/智慧课堂里的古诗教学',
      group: '小学',
      school: 'XX市实验小学',
      teachers: ['张三'],
      categoryLabel: '融合创新应用教学案例',
      title: '智慧课堂里的古诗教学',
    });
    expect(zhang.files).toHaveLength(3);
    expect(li).toMatchObject({ categoryLabel: '精品学习资源', title: '物理实验微课', group: '初中' });
    expect(li.files).toContain('初中-第一中学-李四/精品学习资源/物理实验微课/支撑材料/照片1.jpg');
  });

  it('copes with a wrapping folder, a missing category level and files straight in the teacher folder', () => {
    const { entries, unassigned } = groupIntoEntries(
      [
        '2024年区级汇总/小学+A小学+张三/融合创新应用教学案例/古诗教学/案例介绍.docx',
        '2024年区级汇总/初中+B中学+李四/物理实验微课/说明文档.docx',
        '2024年区级汇总/初中+B中学+李四/物理实验微课/视频/实验.mp4',
        '2024年区级汇总/高中+C中学+王五/案例介绍-数字化作业设计.docx',
        '2024年区级汇总/高中+C中学+王五/信息表.pdf',
        '2024年区级汇总/说明.txt',
      ],
      { isCategory },
    );
    expect(unassigned.map((u) => u.path)).toEqual(['2024年区级汇总/说明.txt']);
    expect(entries.map((e) => [e.entryFolder, e.categoryLabel, e.title])).toEqual([
      ['2024年区级汇总/初中+B中学+李四/物理实验微课', null, '物理实验微课'],
      ['2024年区级汇总/高中+C中学+王五', null, '数字化作业设计'],
      ['2024年区级汇总/小学+A小学+张三/融合创新应用教学案例/古诗教学', '融合创新应用教学案例', '古诗教学'],
    ]);
  });

  it('treats a folder with files straight in a category as missing its title level', () => {
    const { entries } = groupIntoEntries(
      ['小学+A小学+张三/01-校本研修案例/研修总结报告.docx', '小学+A小学+张三/01-校本研修案例/基于平台的校本研修.docx'],
      {
        isCategory,
      },
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      entryFolder: '小学+A小学+张三/01-校本研修案例',
      categoryLabel: '校本研修案例',
      title: '基于平台的校本研修',
    });
  });

  it('joins an info sheet beside the category folder to the single work below it', () => {
    const { entries, unassigned } = groupIntoEntries(['小学+A小学+张三/信息表.pdf', '小学+A小学+张三/精品学习资源/古诗微课/说明.docx'], {
      isCategory,
    });
    expect(unassigned).toEqual([]);
    expect(entries).toEqual([
      expect.objectContaining({
        entryFolder: '小学+A小学+张三',
        categoryLabel: '精品学习资源',
        title: '古诗微课',
        files: ['小学+A小学+张三/精品学习资源/古诗微课/说明.docx', '小学+A小学+张三/信息表.pdf'],
      }),
    ]);
  });

  it('leaves loose files beside several works unassigned', () => {
    const { entries, unassigned } = groupIntoEntries(
      ['小学+A小学+张三/信息表.pdf', '小学+A小学+张三/精品学习资源/甲/a.docx', '小学+A小学+张三/精品学习资源/乙/b.docx'],
      { isCategory },
    );
    expect(entries.map((e) => e.title)).toEqual(['甲', '乙']);
    expect(unassigned.map((u) => u.path)).toEqual(['小学+A小学+张三/信息表.pdf']);
  });

  it('unwraps a teacher folder packed inside one of the same name', () => {
    const { entries } = groupIntoEntries(['小学+A小学+张三/小学+A小学+张三/精品学习资源/古诗微课/说明.docx'], { isCategory });
    expect(entries[0]).toMatchObject({
      entryFolder: '小学+A小学+张三/小学+A小学+张三/精品学习资源/古诗微课',
      title: '古诗微课',
      teachers: ['张三'],
    });
  });

  it('takes the category from a folder above the teacher folders', () => {
    const { entries } = groupIntoEntries(['精品学习资源/小学+A小学+张三/古诗微课/说明.docx'], { isCategory });
    expect(entries[0]).toMatchObject({ categoryLabel: '精品学习资源', title: '古诗微课', school: 'A小学' });
  });

  it('reads one uploaded work folder without teacher folders', () => {
    const { entries } = groupIntoEntries(['古诗微课/说明.docx', '古诗微课/视频.mp4']);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ entryFolder: '古诗微课', title: '古诗微课', teacher: null });
  });
});

describe('classify', () => {
  it('names files by keywords and extension', () => {
    expect(classifyFile('案例信息表（附表6）.pdf')).toBe('信息表');
    expect(classifyFile('作品登记表.pdf')).toBe('信息表');
    expect(classifyFile('案例介绍.docx')).toBe('案例介绍');
    expect(classifyFile('研修总结报告.docx')).toBe('总结报告');
    expect(classifyFile('研修实施方案.doc')).toBe('实施方案');
    expect(classifyFile('教学设计方案.docx')).toBe('教学设计');
    expect(classifyFile('数字故事.MP4')).toBe('视频');
    expect(classifyFile('活动照片.jpg')).toBe('支撑材料');
    expect(classifyFile('readme')).toBe('其他');
  });

  it('tries the rule set patterns first', () => {
    const patterns = [
      { kind: '数字故事', patterns: ['\\.mp4$'] },
      { kind: '信息表', patterns: ['^附表\\d', '登记表'] },
    ];
    expect(classifyFile('作品展示.MP4', patterns)).toBe('数字故事');
    expect(classifyFile('附表7.pdf', patterns)).toBe('信息表');
    expect(classifyFile('材料/作品登记表.pdf', patterns)).toBe('信息表');
    // Anchored on the path inside the entry folder, so a file in a subfolder does not match `^附表`.
    expect(classifyFile('材料/附表7.pdf', [{ kind: '汇总表', patterns: ['^附表'] }])).toBe('信息表');
  });

  it('takes the one unnamed Word document of an entry as the case introduction', () => {
    expect(classifyEntryFiles(['a/智慧课堂里的古诗教学.docx', 'a/信息表.pdf', 'a/支撑材料/通知.docx'])).toEqual([
      '案例介绍',
      '信息表',
      '支撑材料',
    ]);
    expect(classifyEntryFiles(['a/甲.docx', 'a/乙.docx'])).toEqual(['其他', '其他']);
  });

  it('recognises materials folders', () => {
    expect(isMaterialFolderName('支撑材料')).toBe(true);
    expect(isMaterialFolderName('3.相关材料')).toBe(true);
    expect(isMaterialFolderName('精品学习资源')).toBe(false);
  });
});

describe('matchCategory', () => {
  it('matches by name, key, alias and containment', () => {
    expect(matchCategory('融合创新应用教学案例', CATEGORIES)?.id).toBe(1);
    expect(matchCategory('融合创新应用教学案例("素质教育"主题)', CATEGORIES)?.id).toBe(2);
    expect(matchCategory('fusion-quality', CATEGORIES)?.id).toBe(2);
    expect(matchCategory('校本研修案例', CATEGORIES)?.id).toBe(3);
    expect(matchCategory('02-精品学习资源组', CATEGORIES)?.id).toBe(4);
    expect(matchCategory('（一）融合创新 应用教学案例', CATEGORIES)?.id).toBe(1);
    expect(matchCategory('2024年精品学习资源参赛作品', CATEGORIES)?.id).toBe(4);
  });

  it('refuses unknown and ambiguous labels', () => {
    expect(matchCategory('自制教学工具软件', CATEGORIES)).toBeNull();
    expect(matchCategory('教学案例', CATEGORIES)).toBeNull();
  });
});
