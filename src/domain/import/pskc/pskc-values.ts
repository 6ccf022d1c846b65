/**
 * Reading the values in a key's <Data> (Secret, Counter, Time, TimeInterval): plain
 * (<PlainValue>) or encrypted (<EncryptedValue> with a <ValueMAC>). A problem is
 * thrown as a ValueProblem whose message names the value, never its content.
 */
import { MAX_HOTP_COUNTER, parseHotpCounter } from '../../otp';
import { decodeBase64 } from '../seed-encodings';
import { childElement, textAt, type XmlElement } from '../xml-tree';
import { decryptWith, DecryptionError, usableCipher } from './pskc-decrypt';
import { valueMacMatches, type PskcProtection } from './pskc-protection';

export class ValueProblem extends Error {}

export interface EncryptedParts {
  algorithmUri: string | undefined;
  cipherValue: Buffer;
  valueMac?: Buffer;
}

/** The bytes of a binary value such as the Secret, or undefined when the element holds no value. */
export function readBinaryValue(element: XmlElement | undefined, protection: PskcProtection, what: string): Buffer | undefined {
  const plain = childElement(element, 'PlainValue');
  if (plain) {
    const value = decodeBase64(plain.text);
    if (!value) throw new ValueProblem(`the ${what} PlainValue is not base64`);
    return value;
  }
  const parts = encryptedParts(element, what);
  // RFC 6030 §6.1.1: CBC-encrypted secrets must carry a MAC, the only proof the key was right
  return parts && decryptCheckedValue(protection, parts, what, true);
}

/**
 * An integer value: decimal text, or base64 of ASCII digits or of a big-endian number, maybe
 * encrypted. Up to 64 bits (an HOTP Counter is RFC 4226's 8-byte C), hence a bigint.
 */
export function readIntegerValue(element: XmlElement | undefined, protection: PskcProtection, what: string): bigint | undefined {
  const plain = childElement(element, 'PlainValue');
  if (plain) {
    if (/^\d+$/.test(plain.text)) return decimalInteger(plain.text, what);
    const bytes = decodeBase64(plain.text);
    if (!bytes?.length) throw new ValueProblem(`the ${what} is not a whole number`);
    return integerFromBytes(bytes, what);
  }
  const parts = encryptedParts(element, what);
  return parts && integerFromBytes(decryptCheckedValue(protection, parts, what, false), what);
}

export function decryptCheckedValue(protection: PskcProtection, parts: EncryptedParts, what: string, requireMac: boolean): Buffer {
  if (!protection.key) throw new ValueProblem(`the ${what} is encrypted but no key to open it was given`);
  const key = protection.key;
  try {
    const spec = usableCipher(parts.algorithmUri);
    const decrypt = () => decryptWith(spec, key, parts.cipherValue, protection.sharedIv);
    if (!parts.valueMac) {
      if (requireMac && spec.kind === 'cbc') {
        throw new ValueProblem(`the encrypted ${what} has no ValueMAC, so a wrong key could not be detected`);
      }
      return decrypt();
    }
    if (!protection.mac) throw new ValueProblem(`the ${what} has a ValueMAC but the file declares no MACMethod to check it`);
    const wrongKey = new ValueProblem(`the ${what} does not match its MAC: wrong pre-shared key or passphrase, or an altered file`);
    const macOverCipherValue = valueMacMatches(protection.mac, parts.valueMac, parts.cipherValue);
    let plaintext: Buffer;
    try {
      plaintext = decrypt();
    } catch (error) {
      throw macOverCipherValue ? error : wrongKey;
    }
    if (!macOverCipherValue && !valueMacMatches(protection.mac, parts.valueMac, parts.cipherValue, plaintext)) throw wrongKey;
    return plaintext;
  } catch (error) {
    if (error instanceof DecryptionError) throw new ValueProblem(`the ${what}: ${error.message}`);
    throw error;
  }
}

function encryptedParts(element: XmlElement | undefined, what: string): EncryptedParts | undefined {
  const encrypted = childElement(element, 'EncryptedValue');
  if (!encrypted) return undefined;
  const method = childElement(encrypted, 'EncryptionMethod');
  if (!method) throw new ValueProblem(`the encrypted ${what} names no EncryptionMethod`);
  const cipherValue = decodeBase64(textAt(encrypted, 'CipherData', 'CipherValue') ?? '');
  if (!cipherValue?.length) throw new ValueProblem(`the encrypted ${what} has no valid base64 CipherValue`);
  const macText = textAt(element, 'ValueMAC');
  const valueMac = macText === undefined ? undefined : decodeBase64(macText);
  if (valueMac === null) throw new ValueProblem(`the ${what} ValueMAC is not base64`);
  return { algorithmUri: method.attributes.Algorithm, cipherValue, ...(valueMac ? { valueMac } : {}) };
}

/** A value that is a count of seconds rather than a counter: it must be a safe JS number. */
export function readSmallIntegerValue(element: XmlElement | undefined, protection: PskcProtection, what: string): number | undefined {
  const value = readIntegerValue(element, protection, what);
  return value === undefined ? undefined : smallInteger(value, what);
}

export function smallInteger(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ValueProblem(`the ${what} is larger than 2^53 - 1`);
  return Number(value);
}

/** ASCII digits, or a big-endian unsigned number of at most 8 bytes (64 bits). */
export function integerFromBytes(bytes: Buffer, what: string): bigint {
  const text = bytes.toString('latin1');
  if (/^\d+$/.test(text)) return decimalInteger(text, what);
  if (bytes.length === 0 || bytes.length > 8) throw new ValueProblem(`the ${what} is not a whole number of at most 64 bits`);
  return BigInt(`0x${bytes.toString('hex')}`);
}

export function decimalInteger(text: string, what: string): bigint {
  const value = parseHotpCounter(text);
  if (value === null) throw new ValueProblem(`the ${what} is larger than 2^64 - 1 (${MAX_HOTP_COUNTER})`);
  return value;
}
