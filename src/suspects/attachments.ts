import path from 'node:path';

/**
 * Attachments as evidence of the same work: a file with the same content (sha256) in two
 * entries. A lesson video or a resource archive is the work itself; a PDF or a document is
 * strong evidence; one photo is weak (a school gate, a certificate), several are strong.
 * Forms (信息表, 承诺书 …) are left out: one teacher may reuse a scanned form for two
 * different works. Near-identical photos (a perceptual hash) are not compared: no image
 * library is installed.
 */

export type AttachmentClass = '视频' | '压缩包' | 'PDF' | '文档' | '图片';

export interface AttachmentInput {
  /** Path or name; the extension gives the class. */
  name: string;
  sha256: string;
  size: number;
  /** Material kind when known (信息表, 视频 …). */
  kind?: string | null;
}

const CLASS_BY_EXT: Record<string, AttachmentClass> = {};
const classes: [AttachmentClass, string[]][] = [
  ['视频', ['mp4', 'mov', 'avi', 'wmv', 'flv', 'mkv', 'm4v', 'mpg', 'mpeg', '3gp', 'webm', 'rmvb', 'vob', 'ts']],
  ['压缩包', ['zip', 'rar', '7z', 'tar', 'gz', 'tgz']],
  ['PDF', ['pdf']],
  ['文档', ['doc', 'docx', 'wps', 'ppt', 'pptx', 'pps', 'ppsx', 'dps', 'xls', 'xlsx', 'et', 'swf', 'mp3', 'wav', 'm4a']],
  ['图片', ['jpg', 'jpeg', 'png', 'gif', 'bmp', 'webp', 'tif', 'tiff', 'heic']],
];
for (const [cls, exts] of classes) for (const ext of exts) CLASS_BY_EXT[ext] = cls;

/** Strength of one shared file of each class; several combine (noisy-OR). */
export const ATTACHMENT_STRENGTH: Record<AttachmentClass, number> = { 视频: 1, 压缩包: 1, PDF: 0.6, 文档: 0.6, 图片: 0.3 };

const FORM = /信息表|登记表|报名表|申报表|推荐表|汇总表|承诺书|声明|授权书/;

/** The class a shared copy of this file counts as, or null when it is no evidence (forms, empty or unknown files). */
export function attachmentClass(file: Omit<AttachmentInput, 'sha256'>): AttachmentClass | null {
  if (file.size <= 0 || FORM.test(file.kind ?? '') || FORM.test(path.posix.basename(file.name))) return null;
  return CLASS_BY_EXT[path.extname(file.name).slice(1).toLowerCase()] ?? null;
}
