/**
 * Seed files as a stream of small element trees (saxes underneath), so a file of a
 * million keys never sits in memory: the root's attributes first, then each child of
 * the root as a whole XmlElement, except the children of the elements named in
 * `split` (DualShield's <tokens>), which come one by one, followed by the split element
 * itself, childless (so an empty one is seen too). Element trees are xml-tree.ts's
 * XmlElement (local names, no namespace prefixes, own text trimmed), which the
 * per-entry readers of pskc-key.ts and dualshield-xml.ts read.
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { ImportFileError } from './import-file-error';
import type { XmlElement } from './xml-tree';

export type XmlStreamItem =
  | { kind: 'root'; root: XmlElement }
  /** `parent` is the split element holding `element`, or the root for the root's own children. */
  | { kind: 'element'; element: XmlElement; parent: string };

interface Open { element: XmlElement; texts: string[]; emit: boolean; splitting: boolean }

/** One emitted element (a KeyPackage, a <token>) is a few kB; a larger one would only fill memory. */
const MAX_ELEMENT_CHARS = 1_000_000;

export async function* readXmlStream(text: AsyncIterable<string>, split: ReadonlySet<string> = new Set()): AsyncGenerator<XmlStreamItem> {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const ready: XmlStreamItem[] = [];
  const stack: Open[] = [];
  let failure: ImportFileError | undefined;
  const fail = (message: string) => { failure ??= ImportFileError.ofFile(message); };

  parser.on('doctype', () => fail('the XML has a DOCTYPE declaration, which seed files never need'));
  let unread = 0; // characters fed to saxes since the last emitted element
  let held = 0; // characters held for the element being built, since the last one was emitted
  const hold = (chars: number) => {
    held += chars;
    if (held > MAX_ELEMENT_CHARS) fail(`an element near line ${parser.line} is larger than ${MAX_ELEMENT_CHARS} characters`);
  };
  parser.on('opentag', (tag: SaxesTagPlain) => {
    hold(64 + tag.name.length);
    const element: XmlElement = { name: localName(tag.name), attributes: attributesOf(tag.attributes), children: [], text: '' };
    const parent = stack[stack.length - 1];
    if (!parent) {
      ready.push({ kind: 'root', root: element });
      stack.push({ element, texts: [], emit: false, splitting: true });
      return;
    }
    // a child of the root or of a split element is emitted whole when it closes, and not kept
    const emit = parent.splitting;
    if (!emit) parent.element.children.push(element);
    stack.push({ element, texts: [], emit, splitting: emit && split.has(element.name) });
  });
  const addText = (t: string) => {
    const top = stack[stack.length - 1];
    if (!top || !t.trim()) return;
    hold(t.length);
    top.texts.push(t.trim());
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => {
    const open = stack.pop()!;
    open.element.text = open.texts.join(' ');
    if (open.emit) {
      ready.push({ kind: 'element', element: open.element, parent: stack[stack.length - 1].element.name });
      held = 0;
      unread = 0;
    }
  });
  parser.on('error', (err) => fail(`not well-formed XML (line ${parser.line}): ${err.message.replace(/^[^:]*:\d+:\d+: /, '').slice(0, 160)}`));

  let first = true;
  for await (let chunk of text) {
    if (first && chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    first = false;
    // saxes holds a text node whole until its end: text fed since the last emitted element is bounded too
    unread += chunk.length;
    if (unread > 2 * MAX_ELEMENT_CHARS + chunk.length) fail(`an element near line ${parser.line} is larger than ${MAX_ELEMENT_CHARS} characters`);
    parser.write(chunk);
    if (failure) throw failure;
    yield* ready.splice(0);
  }
  parser.close();
  if (failure) throw failure;
  if (stack.length > 0) throw ImportFileError.ofFile('the XML document ends before its root element is closed');
  if (first) throw ImportFileError.ofFile('the file is empty');
  yield* ready.splice(0);
}

function localName(name: string): string {
  return name.slice(name.indexOf(':') + 1);
}

/** Namespace declarations dropped, prefixes removed: readers look attributes up by local name. */
function attributesOf(attributes: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
    out[localName(name)] = value;
  }
  return out;
}
