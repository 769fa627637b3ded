/**
 * A one-page PDF whose text layer holds the given lines, Chinese included: a Type0 font with
 * Identity-H codes and a ToUnicode map, the way scanned-then-OCRed or printed-to-PDF forms
 * carry their text. The glyphs themselves are not embedded (no viewer is needed).
 */
export function makePdf(lines: string[]): Buffer {
  const chars = [...new Set([...lines.join('')])];
  const code = (ch: string) => (chars.indexOf(ch) + 1).toString(16).padStart(4, '0');
  // Long lines wrap at 40 characters (480 pt of a 595 pt page), as a printed form would.
  const wrap = (line: string) => {
    const cs = [...line];
    return Array.from({ length: Math.max(1, Math.ceil(cs.length / 40)) }, (_, i) => cs.slice(i * 40, (i + 1) * 40).join(''));
  };
  const printed = lines.flatMap(wrap);
  const content = ['BT', '/F1 12 Tf', '16 TL', '40 800 Td', ...printed.map((l) => `<${[...l].map(code).join('')}> Tj T*`), 'ET'].join('\n');
  const cmap = [
    '/CIDInit /ProcSet findresource begin 12 dict begin begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def /CMapType 2 def',
    '1 begincodespacerange <0000> <FFFF> endcodespacerange',
    // bfchar blocks hold at most 100 entries each.
    ...Array.from({ length: Math.ceil(chars.length / 100) }, (_, i) => {
      const part = chars.slice(i * 100, (i + 1) * 100);
      const utf16 = (ch: string) => Buffer.from(ch, 'utf16le').swap16().toString('hex');
      return `${part.length} beginbfchar\n${part.map((ch) => `<${code(ch)}> <${utf16(ch)}>`).join('\n')}\nendbfchar`;
    }),
    'endcmap CMapName currentdict /CMap defineresource pop end end',
  ].join('\n');
  const stream = (body: string) => `<< /Length ${Buffer.byteLength(body, 'latin1')} >>\nstream\n${body}\nendstream`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    stream(content),
    '<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>',
    '<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> ' +
      '/FontDescriptor 8 0 R /DW 1000 >>',
    stream(cmap),
    '<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -120 1000 880] /ItalicAngle 0 ' +
      '/Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(pdf, 'latin1'));
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf, 'latin1');
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}
