/** Charts drawn on the server as SVG (no script, no library, nothing for the CSP to allow): the shared element builder. */

const escapeXml = (v: string | number): string =>
  String(v).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An SVG element; attribute values are escaped, `content` is markup already built with this function or `text`. */
export function svg(name: string, attrs: Record<string, string | number>, content?: string): string {
  const attributes = Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('');
  return content === undefined ? `<${name}${attributes}/>` : `<${name}${attributes}>${content}</${name}>`;
}

/** Text from people (names, titles) as element content. */
export const text = (value: string | number): string => escapeXml(value);
