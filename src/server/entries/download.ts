import path from 'node:path';
import send from '@fastify/send';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { notFound } from '../http-error.ts';

/** RFC 6266 `attachment` header: an ASCII fallback name plus the real (Chinese) name as UTF-8. */
export function attachmentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/**
 * A stored file as a download that a browser can also play and seek in: HTTP range requests are
 * answered with 206 and the asked-for bytes (a video's middle without its start), conditional
 * requests with 304. `fileName` is what the browser saves it as; the content type is the one
 * detected at import.
 */
export async function sendStoredFile(
  request: FastifyRequest,
  reply: FastifyReply,
  blobPath: string,
  file: { name: string; mime: string | null },
): Promise<FastifyReply> {
  const result = await send(request.raw, path.basename(blobPath), {
    root: path.dirname(blobPath),
    acceptRanges: true,
    cacheControl: false,
    contentType: false,
    dotfiles: 'allow',
    index: false,
  });
  if (result.type !== 'file' && result.statusCode === 404) throw notFound(`文件“${file.name}”的存储内容`);
  return reply
    .code(result.statusCode)
    .headers(result.headers)
    .header('Content-Type', file.mime ?? 'application/octet-stream')
    .header('Content-Disposition', attachmentDisposition(file.name))
    .header('Cache-Control', 'private, no-store')
    .send(result.stream);
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Sends a generated file (a workbook by default) as a download that no cache keeps. */
export const sendDownload = (reply: FastifyReply, body: Buffer, fileName: string, contentType = XLSX_TYPE) =>
  reply
    .header('Content-Type', contentType)
    .header('Content-Disposition', attachmentDisposition(fileName))
    .header('Cache-Control', 'private, no-store')
    .send(body);
