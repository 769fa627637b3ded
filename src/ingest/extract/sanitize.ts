import sanitizeHtml from 'sanitize-html';

/**
 * Everything from a submitted document is untrusted. Keep the structure a reviewer needs to
 * read a case (headings, paragraphs, lists, tables, emphasis); drop scripts, styles, event
 * handlers, links and images (embedded images would only bloat the stored HTML).
 */
const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'p',
    'br',
    'blockquote',
    'ul',
    'ol',
    'li',
    'table',
    'thead',
    'tbody',
    'tfoot',
    'tr',
    'th',
    'td',
    'strong',
    'b',
    'em',
    'i',
    'u',
    's',
    'sup',
    'sub',
  ],
  allowedAttributes: { td: ['colspan', 'rowspan'], th: ['colspan', 'rowspan'] },
  allowedSchemes: [],
  disallowedTagsMode: 'discard',
};

export const sanitizeDocumentHtml = (html: string): string => sanitizeHtml(html, OPTIONS);
