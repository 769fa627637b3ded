/**
 * Regenerates the real-office-software fixtures under test/fixtures/documents/ from source.json:
 * one LibreOffice Writer document (flat ODF written here) with a header, footer, footnote, endnote,
 * text box, comment, table, an insertion and a deletion tracked as revisions, converted by
 * LibreOffice itself to .odt, .docx, .doc, .rtf, .pdf and HTML (saved as .doc, and wrapped as MHT);
 * a xelatex PDF with ctex's default fonts; and a 登记表 printed by LibreOffice, rendered to a
 * grey JPEG by poppler and wrapped as an image-only PDF (what a scanner produces), once with the
 * entry's author and once naming another person.
 *
 * Also an eight-second H.264/AAC MP4 for the 数字故事 a reviewer plays (test/fixtures/media/), made by ffmpeg.
 *
 * Needs: soffice (libreoffice-writer, libreoffice-impress), pdftoppm (poppler-utils), xelatex with ctex
 * (texlive-xetex, texlive-lang-chinese), ffmpeg. Usage: npx tsx scripts/make-document-fixtures.ts
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DOCUMENT_FIXTURES, documentSource } from '../test/helpers/documents.ts';

const OUT = DOCUMENT_FIXTURES;
const source = documentSource;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const NAMESPACES = [
  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"',
  'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"',
  'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"',
  'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"',
  'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"',
  'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"',
  'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"',
  'xmlns:dc="http://purl.org/dc/elements/1.1/"',
  'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"',
  'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"',
  'office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text"',
].join(' ');

/** An XML element: `el('text:p', { 'text:style-name': 'Title' }, '标题')`; children are markup, text is escaped by the caller. */
const el = (name: string, attrs: Record<string, string> = {}, ...children: string[]): string => {
  const a = Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${v}"`)
    .join('');
  return children.length ? `<${name}${a}>${children.join('')}</${name}>` : `<${name}${a}/>`;
};
const p = (text: string, ...inline: string[]) => el('text:p', {}, ...inline, esc(text));

const FONT = 'WenQuanYi Micro Hei';
const STYLES = [
  el('office:font-face-decls', {}, el('style:font-face', { 'style:name': FONT, 'svg:font-family': `'${FONT}'` })),
  el(
    'office:styles',
    {},
    el(
      'style:default-style',
      { 'style:family': 'paragraph' },
      el('style:text-properties', {
        'style:font-name': FONT,
        'style:font-name-asian': FONT,
        'fo:font-size': '12pt',
        'style:font-size-asian': '12pt',
        'fo:language': 'zh',
        'fo:country': 'CN',
        'style:language-asian': 'zh',
        'style:country-asian': 'CN',
      }),
    ),
    el(
      'style:style',
      { 'style:name': 'Title', 'style:family': 'paragraph' },
      el('style:text-properties', {
        'fo:font-size': '18pt',
        'style:font-size-asian': '18pt',
        'fo:font-weight': 'bold',
        'style:font-weight-asian': 'bold',
      }),
    ),
  ),
  el(
    'office:automatic-styles',
    {},
    el(
      'style:page-layout',
      { 'style:name': 'pm1' },
      el('style:page-layout-properties', {
        'fo:page-width': '21cm',
        'fo:page-height': '29.7cm',
        'fo:margin-top': '2cm',
        'fo:margin-bottom': '2cm',
        'fo:margin-left': '2.5cm',
        'fo:margin-right': '2.5cm',
      }),
      el('style:header-style', {}, el('style:header-footer-properties', { 'fo:min-height': '0.6cm' })),
      el('style:footer-style', {}, el('style:header-footer-properties', { 'fo:min-height': '0.6cm' })),
    ),
    el(
      'style:style',
      { 'style:name': 'fr1', 'style:family': 'graphic' },
      el('style:graphic-properties', {
        'style:wrap': 'none',
        'style:vertical-pos': 'top',
        'style:horizontal-pos': 'center',
        'fo:border': '0.05pt solid #000000',
      }),
    ),
  ),
].join('\n');

const flatOdt = (meta: string, masterPage: string, body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n${el(
    'office:document',
    {},
    el('office:meta', {}, meta),
    STYLES,
    el('office:master-styles', {}, masterPage),
    el('office:body', {}, el('office:text', {}, body)),
  ).replace('<office:document>', `<office:document ${NAMESPACES}>`)}\n`;

const change = (id: string, kind: 'deletion' | 'insertion', content = '') =>
  el(
    'text:changed-region',
    { 'xml:id': id, 'text:id': id },
    el(`text:${kind}`, {}, el('office:change-info', {}, el('dc:creator', {}, '王老师'), el('dc:date', {}, '2024-05-06T10:00:00')), content),
  );

const note = (id: string, kind: 'footnote' | 'endnote', citation: string, text: string) =>
  el('text:note', { 'text:id': id, 'text:note-class': kind }, el('text:note-citation', {}, citation), el('text:note-body', {}, p(text)));

const table = (name: string, rows: string[][]) =>
  el(
    'table:table',
    { 'table:name': name },
    el('table:table-column', { 'table:number-columns-repeated': String(rows[0].length) }),
    ...rows.map((r) => el('table:table-row', {}, ...r.map((c) => el('table:table-cell', { 'office:value-type': 'string' }, p(c))))),
  );

/**
 * The case document: every part a teacher's Word file can have. `final` is the same document with
 * its revisions accepted, for the formats that print what they show (PDF, HTML): LibreOffice
 * prints a tracked deletion as struck-through text.
 */
function caseDocument(final: boolean): string {
  const [p1, p2, quoted, p4, p5] = source.paragraphs;
  const meta = [
    el('meta:initial-creator', {}, esc(source.author)),
    el('dc:creator', {}, esc(source.author)),
    el('dc:title', {}, esc(source.title)),
  ].join('');
  const master = el(
    'style:master-page',
    { 'style:name': 'Standard', 'style:page-layout-name': 'pm1' },
    el('style:header', {}, p(source.header)),
    el('style:footer', {}, p(source.footer)),
  );
  const frame = el(
    'draw:frame',
    {
      'draw:style-name': 'fr1',
      'draw:name': '文本框1',
      'text:anchor-type': 'paragraph',
      'svg:width': '12cm',
      'svg:min-height': '1cm',
      'draw:z-index': '0',
    },
    el('draw:text-box', {}, p(source.textbox)),
  );
  const comment = el('office:annotation', {}, el('dc:creator', {}, '王老师'), el('dc:date', {}, '2024-05-06T10:00:00'), p(source.comment));
  const revisions = el(
    'text:tracked-changes',
    { 'text:track-changes': 'false' },
    change('ct1', 'deletion', p(source.deleted)),
    change('ct2', 'insertion'),
  );
  const inserted = final
    ? esc(source.inserted)
    : `${el('text:change-start', { 'text:change-id': 'ct2' })}${esc(source.inserted)}${el('text:change-end', { 'text:change-id': 'ct2' })}`;
  const body = [
    final ? '' : revisions,
    el('text:p', { 'text:style-name': 'Title' }, esc(source.title)),
    el('text:p', {}, frame, esc(p1)),
    el('text:p', {}, esc(p2), comment, final ? '' : el('text:change', { 'text:change-id': 'ct1' })),
    el('text:p', {}, esc(quoted), note('ftn1', 'footnote', '1', source.footnote)),
    table('表1', source.table),
    el('text:p', {}, esc(p4), inserted),
    el('text:p', {}, esc(p5), note('edn1', 'endnote', 'i', source.endnote)),
  ].join('\n');
  return flatOdt(meta, master, body);
}

/** A 登记表 as a one-page table, the way schools fill it in before signing and scanning it. */
function registrationForm(author: string): string {
  const r = source.registration;
  const rows = [
    ['作品名称', r.title],
    ['作者姓名', author],
    ['工作单位', r.unit],
    ['学段学科', '小学语文'],
    ['联系电话', '13800000000'],
    ['承诺', '本人承诺所报送作品为原创，无知识产权争议。'],
    ['签字', ''],
  ];
  const body = `${el('text:p', { 'text:style-name': 'Title' }, '智慧教育平台应用典型案例登记表')}\n${table('登记表', rows)}`;
  return flatOdt('', el('style:master-page', { 'style:name': 'Standard', 'style:page-layout-name': 'pm1' }), body);
}

/** Two slides of a 课件, for rule sets that compare slides. */
const slides = () => {
  const pages = source.paragraphs
    .slice(0, 2)
    .map((text, i) =>
      el(
        'draw:page',
        { 'draw:name': `p${i + 1}` },
        el('draw:frame', { 'svg:x': '1cm', 'svg:y': '1cm', 'svg:width': '24cm', 'svg:height': '15cm' }, el('draw:text-box', {}, p(text))),
      ),
    );
  const namespaces = NAMESPACES.replace('opendocument.text', 'opendocument.presentation');
  const document = el('office:document', {}, el('office:body', {}, el('office:presentation', {}, ...pages)));
  return `<?xml version="1.0" encoding="UTF-8"?>\n${document.replace('<office:document>', `<office:document ${namespaces}>`)}\n`;
};

const XELATEX_SOURCE = () => `\\documentclass{ctexart}
\\title{${source.title}}
\\date{}
\\begin{document}
\\maketitle
${source.paragraphs.join('\n\n')}

${source.inserted}

${source.english}
\\end{document}
`;

function run(cmd: string, args: string[], cwd: string): void {
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, HOME: cwd } });
}

/** Converts `file` in `dir` with LibreOffice; returns the output path. */
function soffice(dir: string, file: string, filter: string, ext: string): string {
  run('soffice', ['--headless', '--norestore', '--convert-to', filter, '--outdir', dir, path.join(dir, file)], dir);
  return path.join(dir, `${path.parse(file).name}.${ext}`);
}

/** A PDF holding nothing but one full-page JPEG per page: what a scanner writes. */
function imageOnlyPdf(jpegs: { data: Buffer; width: number; height: number; components: number }[]): Buffer {
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let length = 0;
  const push = (b: Buffer | string) => {
    const buf = typeof b === 'string' ? Buffer.from(b, 'latin1') : b;
    parts.push(buf);
    length += buf.length;
  };
  const n = jpegs.length;
  const object = (id: number, body: (Buffer | string)[]) => {
    offsets[id] = length;
    push(`${id} 0 obj\n`);
    for (const b of body) push(b);
    push('\nendobj\n');
  };
  push('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n');
  object(1, ['<< /Type /Catalog /Pages 2 0 R >>']);
  object(2, [`<< /Type /Pages /Count ${n} /Kids [${jpegs.map((_, i) => `${3 + i * 3} 0 R`).join(' ')}] >>`]);
  jpegs.forEach((j, i) => {
    const [page, content, image] = [3 + i * 3, 4 + i * 3, 5 + i * 3];
    const draw = `q 595 0 0 842 0 0 cm /Im0 Do Q`;
    object(page, [
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents ${content} 0 R /Resources << /XObject << /Im0 ${image} 0 R >> >> >>`,
    ]);
    object(content, [`<< /Length ${draw.length} >>\nstream\n${draw}\nendstream`]);
    object(image, [
      `<< /Type /XObject /Subtype /Image /Width ${j.width} /Height ${j.height}`,
      ` /ColorSpace /${j.components === 1 ? 'DeviceGray' : 'DeviceRGB'}`,
      ` /BitsPerComponent 8 /Filter /DCTDecode /Length ${j.data.length} >>\nstream\n`,
      j.data,
      '\nendstream',
    ]);
  });
  const xref = length;
  const count = 3 + n * 3;
  push(`xref\n0 ${count}\n0000000000 65535 f \n`);
  for (let id = 1; id < count; id++) push(`${String(offsets[id]).padStart(10, '0')} 00000 n \n`);
  push(`trailer\n<< /Size ${count} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  return Buffer.concat(parts);
}

/** JPEG size and colour components from its SOF marker. */
function jpegSize(data: Buffer): { width: number; height: number; components: number } {
  for (let i = 2; i < data.length; ) {
    const marker = data[i + 1];
    const len = data.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xc2)
      return { height: data.readUInt16BE(i + 5), width: data.readUInt16BE(i + 7), components: data[i + 9] };
    i += 2 + len;
  }
  throw new Error('no SOF marker');
}

function scan(dir: string, pdf: string): Buffer {
  const prefix = path.join(dir, `${path.parse(pdf).name}-scan`);
  run('pdftoppm', ['-r', '110', '-gray', '-jpeg', '-jpegopt', 'quality=55', pdf, prefix], dir);
  const pages = fs
    .readdirSync(dir)
    .filter((f) => f.startsWith(path.basename(prefix)) && f.endsWith('.jpg'))
    .sort()
    .map((f) => fs.readFileSync(path.join(dir, f)));
  return imageOnlyPdf(pages.map((data) => ({ data, ...jpegSize(data) })));
}

function main(): void {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'casejury-fixtures-'));
  try {
    fs.writeFileSync(path.join(work, 'case.fodt'), caseDocument(false));
    fs.writeFileSync(path.join(work, 'final.fodt'), caseDocument(true));
    const copy = (from: string, to: string) => fs.copyFileSync(from, path.join(OUT, to));
    copy(soffice(work, 'case.fodt', 'odt', 'odt'), 'case.odt');
    copy(soffice(work, 'case.fodt', 'docx:MS Word 2007 XML', 'docx'), 'case.docx');
    copy(soffice(work, 'case.fodt', 'doc:MS Word 97', 'doc'), 'case.doc');
    // LibreOffice cannot write WPS Office's .wps; WPS writes the Word 97 format under that name, so
    // the .wps fixture is the Word 97 file under WPS's extension (see README).
    copy(path.join(OUT, 'case.doc'), 'case.wps');
    copy(soffice(work, 'case.fodt', 'rtf:Rich Text Format', 'rtf'), 'case.rtf');
    copy(soffice(work, 'final.fodt', 'pdf:writer_pdf_Export', 'pdf'), 'case-libreoffice.pdf');
    const html = soffice(work, 'final.fodt', 'html:HTML (StarWriter)', 'html');
    copy(html, 'case-html.doc');
    // Word's 单个文件网页 (.mht): the same page as the HTML part of a MIME message.
    const page = fs.readFileSync(html);
    const mht = [
      'MIME-Version: 1.0',
      'Content-Type: multipart/related; boundary="----=_NextPart_casejury"; type="text/html"',
      '',
      '------=_NextPart_casejury',
      'Content-Type: text/html; charset="utf-8"',
      'Content-Transfer-Encoding: base64',
      'Content-Location: file:///C:/case.htm',
      '',
      page.toString('base64').replace(/.{76}/g, '$&\r\n'),
      '------=_NextPart_casejury--',
      '',
    ].join('\r\n');
    fs.writeFileSync(path.join(OUT, 'case-mht.doc'), mht);

    fs.writeFileSync(path.join(work, 'slides.fodp'), slides());
    copy(soffice(work, 'slides.fodp', 'pptx:Impress MS PowerPoint 2007 XML', 'pptx'), 'slides.pptx');

    fs.writeFileSync(path.join(work, 'case.tex'), XELATEX_SOURCE());
    run('xelatex', ['-interaction=batchmode', 'case.tex'], work);
    copy(path.join(work, 'case.pdf'), 'case-xelatex.pdf');

    for (const [name, author] of [
      ['registration', source.registration.author],
      ['registration-other', source.registration.otherAuthor],
    ]) {
      fs.writeFileSync(path.join(work, `${name}.fodt`), registrationForm(author));
      const pdf = soffice(work, `${name}.fodt`, 'pdf:writer_pdf_Export', 'pdf');
      fs.writeFileSync(path.join(OUT, `${name}-scan.pdf`), scan(work, pdf));
    }
    // A 数字故事 as small as a real one can be: ffmpeg's test pattern with a tone, H.264 baseline and AAC,
    // the header (moov) first so a browser can seek before it has the whole file.
    const story = path.resolve('test/fixtures/media/digital-story.mp4');
    fs.mkdirSync(path.dirname(story), { recursive: true });
    run(
      'ffmpeg',
      [
        ...['-y', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=10'],
        ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '8'],
        ...['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-profile:v', 'baseline', '-crf', '40', '-g', '10'],
        ...['-c:a', 'aac', '-b:a', '16k', '-ac', '1', '-movflags', '+faststart', story],
      ],
      work,
    );
    for (const f of fs.readdirSync(OUT).sort()) console.log(`${f}\t${fs.statSync(path.join(OUT, f)).size}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main();
