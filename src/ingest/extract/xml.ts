import { SaxesParser } from 'saxes';

export interface XmlHandlers {
  open?(name: string, attributes: Record<string, string>): void;
  close?(name: string): void;
  text?(text: string): void;
}

/** Streams an XML document through the handlers (element names with their prefixes, e.g. `w:t`). */
export function walkXml(xml: string, handlers: XmlHandlers): void {
  const parser = new SaxesParser();
  parser.on('opentag', (node) => handlers.open?.(node.name, node.attributes as Record<string, string>));
  parser.on('closetag', (node) => handlers.close?.(node.name));
  if (handlers.text) {
    const text = handlers.text;
    parser.on('text', (t) => text(t));
    parser.on('cdata', (t) => text(t));
  }
  parser.write(xml).close();
}

/** The text of the first element of each given name (document properties: `dc:creator` …). */
export function elementTexts(xml: string, names: string[]): Map<string, string> {
  const found = new Map<string, string>();
  let current: string | null = null;
  let buffer = '';
  walkXml(xml, {
    open(name) {
      if (!current && names.includes(name) && !found.has(name)) {
        current = name;
        buffer = '';
      }
    },
    close(name) {
      if (name === current) {
        found.set(name, buffer.trim());
        current = null;
      }
    },
    text(t) {
      if (current) buffer += t;
    },
  });
  return found;
}
