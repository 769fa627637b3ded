import { extractText as extractPdfText, getDocumentProxy } from 'unpdf';

export class PdfProblem extends Error {}

/** Text layer of a PDF; a scanned PDF has none and that is reported, not guessed at. */
export async function readPdf(data: Buffer): Promise<string> {
  let text: string;
  try {
    // pdf.js may take ownership of the bytes, so it gets a copy; verbosity 0 keeps its
    // repair warnings for damaged files off the console.
    const pdf = await getDocumentProxy(new Uint8Array(data), { verbosity: 0 });
    try {
      ({ text } = await extractPdfText(pdf, { mergePages: true }));
    } finally {
      await pdf.destroy();
    }
  } catch (err) {
    if ((err as Error)?.name === 'PasswordException') throw new PdfProblem('PDF 已加密（需要密码），无法读取文字');
    throw new PdfProblem('不是有效的 PDF 文件：文件已损坏');
  }
  const trimmed = text.trim();
  if (!trimmed) throw new PdfProblem('PDF 没有文字层（可能是扫描件）');
  return trimmed;
}
