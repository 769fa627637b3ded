import type { FastifyReply } from 'fastify';

/** RFC 6266 `attachment` header: an ASCII fallback name plus the real (Chinese) name as UTF-8. */
export function attachmentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Sends a generated file (a workbook by default) as a download that no cache keeps. */
export const sendDownload = (reply: FastifyReply, body: Buffer, fileName: string, contentType = XLSX_TYPE) =>
  reply
    .header('Content-Type', contentType)
    .header('Content-Disposition', attachmentDisposition(fileName))
    .header('Cache-Control', 'private, no-store')
    .send(body);
