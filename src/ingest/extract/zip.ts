import yauzl from 'yauzl';

/** An XML part larger than this is not read: documents teachers write are far smaller, a zip bomb is not. */
const MAX_PART_BYTES = 64 * 1024 * 1024;

/** The UTF-8 text of the entries of a zip (.docx, .odt, .pptx) whose names `wanted` accepts, by name. */
export async function readZipTexts(data: Buffer, wanted: (name: string) => boolean): Promise<Map<string, string>> {
  const zip = await yauzl.fromBufferPromise(data, { lazyEntries: true });
  const texts = new Map<string, string>();
  try {
    for await (const entry of zip.eachEntry()) {
      if (!wanted(entry.fileName) || entry.fileName.endsWith('/')) continue;
      if (entry.uncompressedSize > MAX_PART_BYTES) throw new Error(`${entry.fileName} is too large`);
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of await zip.openReadStreamPromise(entry)) {
        size += (chunk as Buffer).length;
        if (size > MAX_PART_BYTES) throw new Error(`${entry.fileName} is too large`);
        chunks.push(chunk as Buffer);
      }
      texts.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
    }
  } finally {
    zip.close();
  }
  return texts;
}

/** Zip entry names in numeric order: slide2 before slide10, header1 before header2. */
export const byNumber = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });
