/**
 * One RFC 6030 <Key> (with its <KeyPackage>'s DeviceInfo) → a token draft, or the
 * reason it is skipped. Keys whose algorithm is not HOTP or TOTP (PIN, OCRA, …) are not
 * tokens and are skipped; a key with no algorithm at all is an error, since guessing
 * HOTP or TOTP would store a token that never verifies.
 * Defaults (RFC 6030): 6 digits, SHA1, counter 0, TOTP TimeInterval 30.
 */
import type { OtpAlgorithm } from '../../otp';
import { DEFAULT_PERIOD, parseOtpAlgorithmName, type TokenDraft } from '../token-checks';
import { childElement, elementAt, textAt, type XmlElement } from '../xml-tree';
import { algorithmFragment, otpTypeFor } from './pskc-algorithms';
import { keyShapeProblems, quoted } from './pskc-key-shape';
import type { PskcProtection } from './pskc-protection';
import { readBinaryValue, readIntegerValue, readSmallIntegerValue, ValueProblem } from './pskc-values';

/** skipped: the algorithm of a key that is not an OTP token ('pin', 'ocra', …) */
export type PskcKeyReading = { skipped: string; serial?: string } | { draft: TokenDraft };

export function readPskcKey(key: XmlElement, keyPackage: XmlElement, position: number, protection: PskcProtection): PskcKeyReading {
  const deviceInfo = childElement(keyPackage, 'DeviceInfo');
  const serial = textAt(deviceInfo, 'SerialNo') ?? key.attributes.Id?.trim();
  const algorithmUri = key.attributes.Algorithm;
  const type = algorithmUri ? otpTypeFor(algorithmUri) : undefined;
  if (algorithmUri && !type) return { skipped: algorithmFragment(algorithmUri), serial };
  const problems = keyShapeProblems(key);
  if (!type) problems.push('the key names no Algorithm, so it cannot be told whether it is HOTP or TOTP');

  const responseFormat = elementAt(key, 'AlgorithmParameters', 'ResponseFormat');
  const digits = Number(responseFormat?.attributes.Length ?? 6);
  const encoding = responseFormat?.attributes.Encoding;
  if (encoding !== undefined && encoding.toUpperCase() !== 'DECIMAL') {
    problems.push(`response encoding ${quoted(encoding)} is not supported: only DECIMAL codes are`);
  }
  const algorithm = hashFromSuite(textAt(key, 'AlgorithmParameters', 'Suite'), problems);

  const data = childElement(key, 'Data');
  const read = <T>(reader: () => T): T | undefined => {
    try {
      return reader();
    } catch (error) {
      if (!(error instanceof ValueProblem)) throw error;
      problems.push(error.message);
      return undefined;
    }
  };
  const problemsBeforeSecret = problems.length;
  const secret = read(() => readBinaryValue(childElement(data, 'Secret'), protection, 'secret'));
  if (!secret && problems.length === problemsBeforeSecret) {
    problems.push(childElement(key, 'KeyReference')
      ? 'the seed is not in the file (the key refers to a master key for derivation out of band), so it cannot be imported'
      : 'the key holds no seed (no Data/Secret)');
  }
  let counter = 0n;
  let period = 0;
  if (type === 'HOTP') counter = read(() => readIntegerValue(childElement(data, 'Counter'), protection, 'counter')) ?? 0n;
  if (type === 'TOTP') {
    period = read(() => readSmallIntegerValue(childElement(data, 'TimeInterval'), protection, 'time interval')) ?? DEFAULT_PERIOD;
    // Time moves the TOTP epoch (T0); stored tokens assume T0 = 0. TimeDrift is left to /token/syncToken.
    const time = read(() => readIntegerValue(childElement(data, 'Time'), protection, 'time'));
    if (time !== undefined && time !== 0n) problems.push('a non-zero Time (TOTP T0) is not supported');
  }

  if (problems.length > 0 || !serial || !secret || !type || !algorithm) return { draft: { position, serial, problems } };
  const issuer = textAt(key, 'Issuer');
  const manufacturer = textAt(deviceInfo, 'Manufacturer');
  const model = textAt(deviceInfo, 'Model');
  return {
    draft: {
      position,
      serial,
      problems,
      token: {
        position, serial, secret, type, algorithm, digits, counter, period,
        ...(issuer ? { issuer } : {}),
        ...(manufacturer ? { manufacturer } : {}),
        ...(model ? { model } : {}),
      },
    },
  };
}

/** <Suite> names the HMAC hash of an HOTP/TOTP key ("HMAC-SHA256"); absent means SHA1. */
function hashFromSuite(suite: string | undefined, problems: string[]): OtpAlgorithm | undefined {
  if (suite === undefined) return 'SHA1';
  const algorithm = parseOtpAlgorithmName(suite);
  if (!algorithm) problems.push(`unsupported Suite ${quoted(suite)}: expected HMAC-SHA1, HMAC-SHA256 or HMAC-SHA512`);
  return algorithm ?? undefined;
}
