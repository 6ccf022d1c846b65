/**
 * The pre-RFC draft layout (namespace keyprov:container:1.0) that ActivIdentity still
 * ships: <Device><DeviceId/><Key KeyAlgorithm KeyId><Data Name="SECRET"><Value/>…
 * One EncryptionMethod with one IV serves every value; DigestMethod names the HMAC,
 * keyed with the encryption key, over the plaintext (ValueDigest). Other <Data> values
 * (COUNTER, TIME_INTERVAL) are plain base64.
 */
import type { ImportKeys } from '../imported-token';
import { decodeBase64 } from '../seed-encodings';
import { DEFAULT_PERIOD } from '../token-checks';
import { childElement, childElements, elementAt, textAt, type XmlElement } from '../xml-tree';
import { ImportFileError } from '../import-file-error';
import { algorithmFragment, hmacHashFor, otpTypeFor } from './pskc-algorithms';
import type { PskcKeyReading } from './pskc-key';
import { preSharedKey, type PskcProtection } from './pskc-protection';
import { decimalInteger, decryptCheckedValue, integerFromBytes, smallInteger, ValueProblem } from './pskc-values';

export function readLegacyPskcKeys(container: XmlElement, keys: ImportKeys): PskcKeyReading[] {
  const protection = legacyProtection(container, keys);
  const encryptionAlgorithm = elementAt(container, 'EncryptionMethod')?.attributes.Algorithm;
  const keyElements = childElements(container, 'Device')
    .flatMap((device) => childElements(device, 'Key').map((key) => ({ device, key })));
  return keyElements.map(({ device, key }, index) => readLegacyKey(device, key, index + 1, protection, encryptionAlgorithm));
}

function readLegacyKey(
  device: XmlElement, key: XmlElement, position: number, protection: PskcProtection, encryptionAlgorithm: string | undefined,
): PskcKeyReading {
  const serial = textAt(device, 'DeviceId', 'SerialNo') ?? key.attributes.KeyId?.trim();
  const type = otpTypeFor(key.attributes.KeyAlgorithm ?? '');
  if (!type) return { skipped: algorithmFragment(key.attributes.KeyAlgorithm ?? 'unknown'), serial };
  const problems: string[] = [];
  const dataNamed = (name: string) => childElements(key, 'Data').find((data) => data.attributes.Name === name);
  let secret: Buffer | undefined;
  let counter = 0n;
  let period = 0;
  try {
    secret = legacySecret(dataNamed('SECRET'), protection, encryptionAlgorithm);
    if (type === 'HOTP') counter = legacyInteger(dataNamed('COUNTER'), 'counter') ?? 0n;
    else {
      const interval = legacyInteger(dataNamed('TIME_INTERVAL'), 'time interval');
      period = interval === undefined ? DEFAULT_PERIOD : smallInteger(interval, 'time interval');
    }
  } catch (error) {
    if (!(error instanceof ValueProblem)) throw error;
    problems.push(error.message);
  }
  const responseFormat = elementAt(key, 'Usage', 'ResponseFormat');
  const format = responseFormat?.attributes.Format;
  if (format && format.toUpperCase() !== 'DECIMAL') problems.push('only DECIMAL response formats are supported');
  if (!secret && problems.length === 0) problems.push('the key holds no seed');
  if (!secret || !serial) return { draft: { position, serial, problems } };
  const digits = Number(responseFormat?.attributes.Length ?? 6);
  const issuer = textAt(key, 'Issuer');
  const manufacturer = textAt(device, 'DeviceId', 'Manufacturer');
  return {
    draft: {
      position, serial, problems,
      token: {
        position, serial, secret, type, algorithm: 'SHA1', digits, counter, period,
        ...(issuer ? { issuer } : {}), ...(manufacturer ? { manufacturer } : {}),
      },
    },
  };
}

function legacyProtection(container: XmlElement, keys: ImportKeys): PskcProtection {
  const method = childElement(container, 'EncryptionMethod');
  if (!method) return {};
  const key = preSharedKey(keys.psk);
  const iv = decodeBase64(textAt(method, 'IV') ?? '');
  const digestAlgorithm = childElement(container, 'DigestMethod')?.attributes.Algorithm;
  const hash = digestAlgorithm ? hmacHashFor(digestAlgorithm) : undefined;
  if (digestAlgorithm && !hash) throw ImportFileError.ofFile(`unsupported digest algorithm "${algorithmFragment(digestAlgorithm)}"`);
  return { key, ...(iv?.length ? { sharedIv: iv } : {}), ...(hash ? { mac: { hash, key } } : {}) };
}

function legacySecret(data: XmlElement | undefined, protection: PskcProtection, algorithmUri: string | undefined): Buffer | undefined {
  const valueText = textAt(data, 'Value');
  if (valueText === undefined) return undefined;
  const value = decodeBase64(valueText);
  if (!value?.length) throw new ValueProblem('the secret Value is not base64');
  if (!protection.key) return value;
  const digestText = textAt(data, 'ValueDigest');
  const valueMac = digestText === undefined ? undefined : decodeBase64(digestText);
  if (valueMac === null) throw new ValueProblem('the secret ValueDigest is not base64');
  return decryptCheckedValue(protection, { algorithmUri, cipherValue: value, ...(valueMac ? { valueMac } : {}) }, 'secret', true);
}

function legacyInteger(data: XmlElement | undefined, what: string): bigint | undefined {
  const valueText = textAt(data, 'Value');
  if (valueText === undefined) return undefined;
  if (/^\d+$/.test(valueText)) return decimalInteger(valueText, what);
  const bytes = decodeBase64(valueText);
  if (!bytes?.length) throw new ValueProblem(`the ${what} is not a whole number`);
  return integerFromBytes(bytes, what);
}
