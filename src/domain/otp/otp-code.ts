/**
 * The HOTP value function of RFC 4226 (TOTP, RFC 6238, is the same function fed a time step).
 *
 * otplib 13 is the reference implementation (test/unit/otp cross-checks every vector against
 * it), but the codes are computed here with node:crypto for two reasons:
 *  - otplib's default crypto (@noble/hashes) takes ~60 ms for the 5761 codes of a ±24 h TOTP
 *    sync window; this takes ~5 ms;
 *  - otplib's entry point pulls in ESM-only packages that jest cannot load on Node 20.
 * Unlike otplib's default guardrails, any secret length (RFC 6030's 4-byte "1234" included)
 * and any window size are accepted.
 */
import { hash } from 'node:crypto';
import { assertCounter } from './hotp-counter';

export type OtpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

export interface OtpCodeOptions {
  algorithm: OtpAlgorithm;
  digits: number;
}

const HASHES: Record<OtpAlgorithm, { nodeName: string; blockSize: number; digestSize: number }> = {
  SHA1: { nodeName: 'sha1', blockSize: 64, digestSize: 20 },
  SHA256: { nodeName: 'sha256', blockSize: 64, digestSize: 32 },
  SHA512: { nodeName: 'sha512', blockSize: 128, digestSize: 64 },
};

export const MAX_OTP_DIGITS = 10; // a 31-bit truncated value has at most 10 decimal digits

export function isOtpAlgorithm(value: unknown): value is OtpAlgorithm {
  return typeof value === 'string' && Object.hasOwn(HASHES, value);
}

/**
 * Prepares the HMAC key pads once and returns counter → code. HMAC(K, m) is
 * H((K ^ opad) || H((K ^ ipad) || m)); two one-shot hashes over reused buffers are
 * much cheaper than a createHmac object per code when a window is searched. Digests
 * come back as 'binary' (latin1) strings (one char per byte): asking for Buffers costs an
 * allocation per hash that triples the time of a ±24 h TOTP sync.
 */
export function createOtpCodeGenerator(secret: Buffer, opts: OtpCodeOptions): (counter: number | bigint) => string {
  if (!isOtpAlgorithm(opts.algorithm)) throw new RangeError(`unsupported OTP algorithm ${String(opts.algorithm)}`);
  const spec = HASHES[opts.algorithm];
  assertDigits(opts.digits);
  const key = secret.length > spec.blockSize ? hash(spec.nodeName, secret, 'buffer') : secret;
  const inner = Buffer.alloc(spec.blockSize + 8);
  const outer = Buffer.alloc(spec.blockSize + spec.digestSize);
  for (let i = 0; i < spec.blockSize; i++) {
    const keyByte = i < key.length ? key[i] : 0;
    inner[i] = keyByte ^ 0x36;
    outer[i] = keyByte ^ 0x5c;
  }
  const modulus = 10 ** opts.digits;
  return (counter: number | bigint): string => {
    assertCounter(counter);
    // the 8-byte big-endian counter; TOTP steps stay numbers, on the path without BigInt
    if (typeof counter === 'bigint') {
      inner.writeBigUInt64BE(counter, spec.blockSize);
    } else {
      inner.writeUInt32BE(Math.floor(counter / 0x1_0000_0000), spec.blockSize);
      inner.writeUInt32BE(counter >>> 0, spec.blockSize + 4);
    }
    outer.write(hash(spec.nodeName, inner, 'binary'), spec.blockSize, 'binary');
    const mac = hash(spec.nodeName, outer, 'binary');
    const offset = mac.charCodeAt(mac.length - 1) & 0x0f;
    const truncated = (mac.charCodeAt(offset) & 0x7f) * 0x100_0000
      + mac.charCodeAt(offset + 1) * 0x1_0000 + mac.charCodeAt(offset + 2) * 0x100 + mac.charCodeAt(offset + 3);
    return String(truncated % modulus).padStart(opts.digits, '0');
  };
}

/**
 * Compares every character whatever the first difference, so the time taken says nothing
 * about how close a guess was; a length mismatch is no secret (digits are public).
 * XOR over char codes rather than crypto.timingSafeEqual: that needs two Buffers per
 * comparison, which would dominate the cost of a sync window search.
 */
export function otpCodesEqual(expected: string, candidate: string): boolean {
  if (expected.length !== candidate.length) return false;
  let difference = 0;
  for (let i = 0; i < expected.length; i++) difference |= expected.charCodeAt(i) ^ candidate.charCodeAt(i);
  return difference === 0;
}

/** Cheap pre-check so a malformed OTP never costs a window search. */
export function looksLikeOtp(otp: string, digits: number): boolean {
  return otp.length === digits && /^[0-9]+$/.test(otp);
}

export function assertWindow(window: number): void {
  if (!Number.isSafeInteger(window) || window < 0) {
    throw new RangeError(`OTP window must be a non-negative integer, got ${window}`);
  }
}

function assertDigits(digits: number): void {
  if (!Number.isInteger(digits) || digits < 1 || digits > MAX_OTP_DIGITS) {
    throw new RangeError(`OTP digits must be an integer from 1 to ${MAX_OTP_DIGITS}, got ${digits}`);
  }
}
