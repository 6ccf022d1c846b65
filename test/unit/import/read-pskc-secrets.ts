/**
 * Decrypts and MAC-checks every Secret of a corpus file without the token rules,
 * for files that are refused as a whole (no serial, no algorithm) but whose
 * encryption the corpus still specifies.
 */
import type { ImportKeys } from '../../../src/domain/import';
import { resolveEncryptionKey, resolveMac } from '../../../src/domain/import/pskc/pskc-protection';
import { readBinaryValue, readIntegerValue } from '../../../src/domain/import/pskc/pskc-values';
import { descendants, elementAt } from '../../../src/domain/import/xml-tree';
import { readXmlDocument } from '../../support/import-reader';
import { corpusFile } from './pskc-corpus';

export async function readSecrets(file: string, keys: ImportKeys): Promise<(Buffer | undefined)[]> {
  const container = await readXmlDocument(corpusFile(file));
  const key = resolveEncryptionKey(container, keys);
  const protection = { key, mac: resolveMac(container, key) };
  return descendants(container, 'Key').map((k) => readBinaryValue(elementAt(k, 'Data', 'Secret'), protection, 'secret'));
}

export async function readCounters(file: string, keys: ImportKeys): Promise<(bigint | undefined)[]> {
  const container = await readXmlDocument(corpusFile(file));
  const key = resolveEncryptionKey(container, keys);
  const protection = { key, mac: resolveMac(container, key) };
  return descendants(container, 'Key').map((k) => readIntegerValue(elementAt(k, 'Data', 'Counter'), protection, 'counter'));
}

export async function macKeyOf(file: string, keys: ImportKeys): Promise<Buffer | undefined> {
  const container = await readXmlDocument(corpusFile(file));
  return resolveMac(container, resolveEncryptionKey(container, keys))?.key;
}

export async function encryptionKeyOf(file: string, keys: ImportKeys): Promise<Buffer | undefined> {
  return resolveEncryptionKey(await readXmlDocument(corpusFile(file)), keys);
}
