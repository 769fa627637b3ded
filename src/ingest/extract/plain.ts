import chardet from 'chardet';
import iconv from 'iconv-lite';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** A UTF-8 or UTF-16 byte-order mark; UTF-16 text would otherwise pass for MPEG audio by its first bytes. */
export const hasUnicodeBom = (data: Buffer): boolean =>
  (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) ||
  (data[0] === 0xff && data[1] === 0xfe) ||
  (data[0] === 0xfe && data[1] === 0xff);

/**
 * Decodes text written on Chinese Windows (GBK/GB18030) as well as UTF-8 and UTF-16 with BOM.
 * Returns null when the bytes are not text in any encoding we can tell.
 */
export function decodeText(data: Buffer): string | null {
  if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) return data.subarray(3).toString('utf8');
  if (data[0] === 0xff && data[1] === 0xfe) return iconv.decode(data.subarray(2), 'utf16le');
  if (data[0] === 0xfe && data[1] === 0xff) return iconv.decode(data.subarray(2), 'utf16be');
  try {
    return strictUtf8.decode(data);
  } catch {
    // not UTF-8: fall through to detection
  }
  // Submissions come from mainland China: short GBK text is often mis-detected as another
  // legacy code page, so only trust detection for Big5 and UTF-16; everything else is read as
  // GB18030 (a superset of GBK and GB2312).
  const detected = chardet.detect(data) ?? '';
  const encoding = /^(Big5|UTF-16LE|UTF-16BE)$/i.test(detected) ? detected : 'gb18030';
  const text = iconv.decode(data, encoding);
  return text.includes('\u0000') ? null : text;
}
