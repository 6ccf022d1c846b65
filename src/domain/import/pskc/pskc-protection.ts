/**
 * How a PSKC file is protected: the key that decrypts its values (a pre-shared key,
 * or one derived from a passphrase with PBKDF2) and the MAC that proves that key right.
 * Anything wrong here concerns the whole file, so it throws a file-level ImportFileError.
 */
import { createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import { ImportFileError } from '../import-file-error';
import type { ImportKeys } from '../imported-token';
import { decodeBase64, isHex } from '../seed-encodings';
import { parseWholeNumber } from '../token-checks';
import { childElement, descendants, elementAt, textAt, type XmlElement } from '../xml-tree';
import { algorithmFragment, hmacHashFor, PBKDF2_ALGORITHM_FRAGMENT } from './pskc-algorithms';
import { ASYMMETRIC_REFUSAL, decryptWith, DecryptionError, usableCipher } from './pskc-decrypt';

export interface PskcProtection {
  key?: Buffer;
  /** one IV for every value, as early drafts (ActivIdentity) had it */
  sharedIv?: Buffer;
  mac?: { hash: string; key: Buffer };
}

const MAX_PBKDF2_ITERATIONS = 5_000_000; // bounds the CPU a hostile file can claim

/** Works out the decryption key; none is needed (and any given is ignored) when nothing is encrypted. */
export function resolveEncryptionKey(container: XmlElement, keys: ImportKeys): Buffer | undefined {
  const encryptionKey = childElement(container, 'EncryptionKey');
  if (encryptionKey && descendants(encryptionKey, 'X509Data').length > 0) throw ImportFileError.ofFile(ASYMMETRIC_REFUSAL);
  const encrypted = descendants(container, 'EncryptedValue').length > 0 || descendants(container, 'CipherValue').length > 0;
  if (!encrypted) return undefined;
  const derivedKey = childElement(encryptionKey, 'DerivedKey');
  if (derivedKey) return deriveKey(derivedKey, keys.passphrase);
  return preSharedKey(keys.psk);
}

/** Resolves MACMethod: its hash and its key, itself encrypted under the file's key. */
export function resolveMac(container: XmlElement, encryptionKey: Buffer | undefined): PskcProtection['mac'] {
  const macMethod = childElement(container, 'MACMethod');
  if (!macMethod) return undefined;
  const algorithm = macMethod.attributes.Algorithm;
  const hash = algorithm ? hmacHashFor(algorithm) : undefined;
  if (!hash) {
    throw ImportFileError.ofFile(`unsupported MAC algorithm "${algorithm ? algorithmFragment(algorithm) : '(none)'}"`);
  }
  const macKey = childElement(macMethod, 'MACKey');
  if (!macKey) {
    // early PSKC drafts had no MACKey and used the encryption key for the MAC
    return encryptionKey ? { hash, key: encryptionKey } : undefined;
  }
  if (!encryptionKey) throw ImportFileError.ofFile('the MAC key is encrypted but the file has no encryption key');
  try {
    const method = childElement(macKey, 'EncryptionMethod');
    if (!method) throw new DecryptionError('it names no EncryptionMethod');
    const cipherValue = decodeBase64(textAt(macKey, 'CipherData', 'CipherValue') ?? '');
    if (!cipherValue?.length) throw new DecryptionError('it has no valid base64 CipherValue');
    return { hash, key: decryptWith(usableCipher(method.attributes.Algorithm), encryptionKey, cipherValue) };
  } catch (error) {
    if (!(error instanceof DecryptionError)) throw error;
    throw ImportFileError.ofFile(`the MAC key cannot be decrypted: ${error.message}`);
  }
}

/**
 * Checks a ValueMAC. RFC 6030 MACs the CipherValue (IV || ciphertext); files from
 * early drafts MAC the plaintext instead, so that is accepted too: either way only
 * the right key produces a matching MAC.
 */
export function valueMacMatches(mac: NonNullable<PskcProtection['mac']>, valueMac: Buffer, cipherValue: Buffer, plaintext?: Buffer): boolean {
  const matches = (data: Buffer) => {
    const computed = createHmac(mac.hash, mac.key).update(data).digest();
    return computed.length === valueMac.length && timingSafeEqual(computed, valueMac);
  };
  return matches(cipherValue) || (plaintext !== undefined && matches(plaintext));
}

export function preSharedKey(psk: string | undefined): Buffer {
  if (!psk) throw ImportFileError.ofFile('the file is encrypted with a pre-shared key: give it as psk (hex)');
  const compact = psk.replace(/[\s:]/g, '');
  if (!isHex(compact) || compact.length === 0) throw ImportFileError.ofFile('the pre-shared key (psk) must be hexadecimal');
  return Buffer.from(compact, 'hex');
}

function deriveKey(derivedKey: XmlElement, passphrase: string | undefined): Buffer {
  const method = childElement(derivedKey, 'KeyDerivationMethod');
  const algorithm = method?.attributes.Algorithm;
  if (!algorithm || algorithmFragment(algorithm) !== PBKDF2_ALGORITHM_FRAGMENT) {
    throw ImportFileError.ofFile(`unsupported key derivation "${algorithm ? algorithmFragment(algorithm) : '(none)'}": only PBKDF2 is`);
  }
  const params = childElement(method, 'PBKDF2-params');
  const salt = decodeBase64(textAt(params, 'Salt', 'Specified') ?? '');
  const iterations = parseWholeNumber(textAt(params, 'IterationCount'));
  const keyLength = parseWholeNumber(textAt(params, 'KeyLength') ?? '16');
  const prfAlgorithm = elementAt(params, 'PRF')?.attributes.Algorithm;
  const prfHash = prfAlgorithm ? hmacHashFor(prfAlgorithm) : 'sha1';
  if (!params || !salt?.length || !iterations || !keyLength || keyLength > 64) {
    throw ImportFileError.ofFile('the PBKDF2 key derivation is incomplete: it needs a salt, an iteration count and a key length');
  }
  if (iterations > MAX_PBKDF2_ITERATIONS) throw ImportFileError.ofFile(`PBKDF2 with more than ${MAX_PBKDF2_ITERATIONS} iterations is refused`);
  if (!prfHash) throw ImportFileError.ofFile(`unsupported PBKDF2 pseudo-random function "${algorithmFragment(prfAlgorithm ?? '')}"`);
  if (!passphrase) throw ImportFileError.ofFile('the file is protected with a passphrase (PBKDF2): give the passphrase');
  return pbkdf2Sync(Buffer.from(passphrase, 'utf8'), salt, iterations, keyLength, prfHash);
}
