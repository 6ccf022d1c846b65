/**
 * PSKC read one KeyPackage at a time (xml-stream.ts), each key by pskc-key.ts (or a
 * pre-RFC <Device> by pskc-legacy.ts). RFC 6030's schema puts EncryptionKey and
 * MACMethod before the first KeyPackage, so they are in hand when keys arrive.
 * Whether the file is encrypted is known only per package, so the key is resolved on
 * the first package that holds an encrypted value, once: a PBKDF2 passphrase costs seconds.
 */
import { ImportFileError } from '../import-file-error';
import type { ImportKeys } from '../imported-token';
import type { XmlStreamItem } from '../xml-stream';
import type { XmlElement } from '../xml-tree';
import { readPskcKey, type PskcKeyReading } from './pskc-key';
import { readLegacyPskcKeys } from './pskc-legacy';
import { resolveEncryptionKey, resolveMac, type PskcProtection } from './pskc-protection';

export async function* readPskcStream(items: AsyncIterable<XmlStreamItem>, keys: ImportKeys): AsyncGenerator<PskcKeyReading> {
  let container: XmlElement | undefined;
  const head: XmlElement[] = [];          // the container's children before the keys
  let protection: PskcProtection | undefined;
  let position = 0;
  const withHead = (element: XmlElement): XmlElement => ({ ...container!, children: [...head, element] });

  for await (const item of items) {
    if (item.kind === 'root') {
      container = item.root;
      checkContainer(container);
      continue;
    }
    const { element } = item;
    if (element.name === 'KeyPackage') {
      if (position === 0) checkVersion(container!);
      if (!protection?.key) protection = protectionFor(withHead(element), keys, protection);
      for (const key of element.children.filter((child) => child.name === 'Key')) {
        yield readPskcKey(key, element, ++position, protection);
      }
    } else if (element.name === 'Device') {
      // the pre-RFC layout: one <Device> read as a container of its own, renumbered in file order
      for (const reading of readLegacyPskcKeys(withHead(element), keys)) yield renumbered(reading, ++position);
    } else {
      head.push(element);
    }
  }
}

function checkContainer(root: XmlElement): void {
  if (root.name !== 'KeyContainer') {
    throw ImportFileError.ofFile(`not a PSKC file: the root element is <${root.name.slice(0, 40)}>, not <KeyContainer>`);
  }
}

/** RFC 6030 containers only (the pre-RFC layout has no KeyPackage and is read whatever it says). */
function checkVersion(root: XmlElement): void {
  const version = root.attributes.Version;
  if (version !== undefined && version.trim() !== '1.0') {
    throw ImportFileError.ofFile(`unsupported PSKC version "${version.slice(0, 10)}": only 1.0 (RFC 6030) is`);
  }
}

function protectionFor(probe: XmlElement, keys: ImportKeys, before: PskcProtection | undefined): PskcProtection {
  const key = resolveEncryptionKey(probe, keys);
  if (before && !key) return before;
  return { key, mac: resolveMac(probe, key) };
}

function renumbered(reading: PskcKeyReading, position: number): PskcKeyReading {
  if (!('draft' in reading)) return reading;
  const { draft } = reading;
  return { draft: { ...draft, position, ...(draft.token ? { token: { ...draft.token, position } } : {}) } };
}
