/**
 * PSKC (RFC 6030) seed files. A token's position is the index of its <Key> in the file
 * (RFC 6030 puts one key in each KeyPackage). The serial is DeviceInfo/SerialNo, or the
 * key's Id when the file has no serial. Signatures (ds:Signature) are not verified: the
 * MAC already proves the seeds were made by whoever holds the pre-shared key.
 */
import { ImportFileError } from '../import-file-error';
import type { ImportedToken, ImportKeys } from '../imported-token';
import { assembleTokens, type TokenDraft } from '../token-checks';
import { childElements, parseXmlDocument, type XmlElement } from '../xml-tree';
import { readPskcKey, type PskcKeyReading } from './pskc-key';
import { isLegacyPskc, readLegacyPskcKeys } from './pskc-legacy';
import { resolveEncryptionKey, resolveMac } from './pskc-protection';

export function parsePskc(text: string, keys: ImportKeys): ImportedToken[] {
  const readings = readPskcKeys(text, keys);
  const drafts = readings.flatMap((reading): TokenDraft[] => ('draft' in reading ? [reading.draft] : []));
  if (drafts.length === 0) {
    const skipped = readings.flatMap((reading) => ('skipped' in reading ? [reading.skipped] : []));
    throw ImportFileError.ofFile(`the file holds no HOTP or TOTP key to import${skipped.length ? ` (only ${describeSkipped(skipped)})` : ''}`);
  }
  return assembleTokens(drafts);
}

/** Every <Key> of the file read as a token draft or skipped; file-level problems throw. */
export function readPskcKeys(text: string, keys: ImportKeys): PskcKeyReading[] {
  const container = parseContainer(text);
  if (isLegacyPskc(container)) return readLegacyPskcKeys(container, keys);
  const version = container.attributes.Version;
  if (version !== undefined && version.trim() !== '1.0') {
    throw ImportFileError.ofFile(`unsupported PSKC version "${version.slice(0, 10)}": only 1.0 (RFC 6030) is`);
  }
  const key = resolveEncryptionKey(container, keys);
  const protection = { key, mac: resolveMac(container, key) };
  const readings: PskcKeyReading[] = [];
  for (const keyPackage of childElements(container, 'KeyPackage')) {
    for (const keyElement of childElements(keyPackage, 'Key')) {
      readings.push(readPskcKey(keyElement, keyPackage, readings.length + 1, protection));
    }
  }
  return readings;
}

function parseContainer(text: string): XmlElement {
  let root: XmlElement;
  try {
    root = parseXmlDocument(text);
  } catch (error) {
    throw ImportFileError.ofFile((error as Error).message);
  }
  if (root.name !== 'KeyContainer') {
    throw ImportFileError.ofFile(`not a PSKC file: the root element is <${root.name.slice(0, 40)}>, not <KeyContainer>`);
  }
  return root;
}

/** "2 ocra keys and 1 pin key" */
function describeSkipped(algorithms: string[]): string {
  const counts = new Map<string, number>();
  for (const algorithm of algorithms) counts.set(algorithm, (counts.get(algorithm) ?? 0) + 1);
  return [...counts].map(([algorithm, count]) => `${count} ${algorithm.slice(0, 30)} key${count > 1 ? 's' : ''}`).join(' and ');
}
