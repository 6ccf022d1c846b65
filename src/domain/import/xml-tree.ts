/**
 * A small element tree over fast-xml-parser with namespace prefixes removed: vendors
 * write <pskc:Key>, <Key>, <foo:Key> or fully qualified names for the same element,
 * and all that matters to an import is the local name.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** the element's own text, trimmed (text of descendants excluded) */
  text: string;
}

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = new XMLParser({
  preserveOrder: true,
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  htmlEntities: true, // the only switch that also decodes numeric references (&#51;)
});

/** Parses a whole document; throws Error with a human message when it is not well-formed XML. */
export function parseXmlDocument(text: string): XmlElement {
  const source = text.replace(/^\uFEFF/, '');
  // seed files never need a DTD, and refusing one rules out entity-expansion bombs
  if (/<!DOCTYPE/i.test(source)) throw new Error('the XML has a DOCTYPE declaration, which seed files never need');
  const validation = XMLValidator.validate(source);
  if (validation !== true) {
    throw new Error(`not well-formed XML (line ${validation.err.line}): ${validation.err.msg.slice(0, 160)}`);
  }
  const roots = (parser.parse(source) as OrderedNode[]).map(toElement).filter((e): e is XmlElement => e !== null);
  if (roots.length !== 1) throw new Error('the XML document must have exactly one root element');
  return roots[0];
}

/** The local name of the document's root element, or null when the text is not XML at all. */
export function peekXmlRootName(text: string): string | null {
  const match = /^\s*(?:<\?xml[^>]*\?>\s*)?(?:(?:<!--[\s\S]*?-->|<\?[\s\S]*?\?>)\s*)*<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)/.exec(
    text.replace(/^\uFEFF/, ''),
  );
  return match ? match[2] : null;
}

export function childElement(parent: XmlElement | undefined, name: string): XmlElement | undefined {
  return parent?.children.find((child) => child.name === name);
}

export function childElements(parent: XmlElement | undefined, name: string): XmlElement[] {
  return parent ? parent.children.filter((child) => child.name === name) : [];
}

/** Follows a path of child names, e.g. elementAt(key, 'Data', 'Secret', 'PlainValue'). */
export function elementAt(start: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  return names.reduce<XmlElement | undefined>((current, name) => childElement(current, name), start);
}

/** Text of the element at the path, undefined when absent or empty. */
export function textAt(start: XmlElement | undefined, ...names: string[]): string | undefined {
  const text = elementAt(start, ...names)?.text;
  return text ? text : undefined;
}

/** Every descendant with this local name, in document order. */
export function descendants(root: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = [];
  const visit = (element: XmlElement) => {
    for (const child of element.children) {
      if (child.name === name) found.push(child);
      visit(child);
    }
  };
  visit(root);
  return found;
}

function toElement(node: OrderedNode): XmlElement | null {
  const name = Object.keys(node).find((key) => key !== ':@');
  if (!name || name === '#text') return null;
  const content = (node[name] ?? []) as OrderedNode[];
  const texts: string[] = [];
  const children: XmlElement[] = [];
  for (const item of content) {
    if ('#text' in item) texts.push(String(item['#text']));
    else {
      const child = toElement(item);
      if (child) children.push(child);
    }
  }
  return { name, attributes: { ...(node[':@'] ?? {}) }, children, text: texts.join(' ').trim() };
}
