import path from 'node:path';
import type { FastifyRequest } from 'fastify';
import { HttpError } from '../http-error.ts';
import { safeUploadName } from '../upload-name.ts';

/** Spreadsheets organizers upload here (expert lists, filled score sheets) are small: read into memory. */
export const SHEET_LIMIT_BYTES = 20 * 1024 * 1024;

/**
 * The one uploaded file of a multipart request, with a safe name. Multipart bodies are read after the CSRF
 * check, so these forms send their token in the X-CSRF-Token header (htmx adds it from the page).
 */
export async function readUploadedSheet(request: FastifyRequest, extensions: string[]): Promise<{ name: string; bytes: Buffer }> {
  const part = await request.file();
  if (!part?.filename) throw new HttpError(400, '请选择要上传的文件');
  const name = safeUploadName(part.filename);
  if (!extensions.includes(path.extname(name).toLowerCase())) {
    part.file.resume();
    throw new HttpError(415, `不支持的文件类型“${name}”：请上传 ${extensions.join('、')} 文件`);
  }
  const bytes = await part.toBuffer();
  if (bytes.length === 0) throw new HttpError(400, `上传的文件“${name}”是空文件`);
  return { name, bytes };
}
