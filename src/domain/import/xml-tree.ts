/**
 * Seed files as small element trees with namespace prefixes removed: vendors write
 * <pskc:Key>, <Key>, <foo:Key> or fully qualified names for the same element, and all
 * that matters to an import is the local name. xml-stream.ts builds them, one entry
 * at a time; these helpers read them.
 */

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** the element's own text, trimmed (text of descendants excluded) */
  text: string;
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
