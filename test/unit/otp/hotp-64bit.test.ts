/** RFC 4226's C is an 8-byte counter: codes, window search and sync beyond 2^53, up to 2^64 - 1. */
import { createHmac } from 'node:crypto';
import {
  findHotpCounter, generateHotp, hotpCounterToJson, MAX_HOTP_COUNTER, MAX_STORED_HOTP_COUNTER, parseHotpCounter, syncHotp,
} from '../../../src/domain/otp';

const SECRET = Buffer.from('12345678901234567890');
const SHA1_6 = { algorithm: 'SHA1', digits: 6 } as const;
const TWO_53 = 2n ** 53n;

/** RFC 4226 §5.3 written out independently: HMAC over the 8-byte big-endian counter, dynamic truncation. */
function referenceHotp(secret: Buffer, counter: bigint, hash: 'sha1' | 'sha256' | 'sha512', digits: number): string {
  const message = Buffer.alloc(8);
  for (let i = 7, c = counter; i >= 0; i--, c >>= 8n) message[i] = Number(c & 0xffn);
  const mac = createHmac(hash, secret).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
  return String(binary % 10 ** digits).padStart(digits, '0');
}

describe('generateHotp with 64-bit counters', () => {
  it.each([
    ['2^53 + 1', TWO_53 + 1n],
    ['2^63 - 1', 2n ** 63n - 1n],
    ['2^64 - 1', MAX_HOTP_COUNTER],
    ['0x3bfeb148808dd6 (multiOTP)', 0x3bfeb148808dd6n],
  ])('at %s matches an independent HMAC computation, for every hash', (_name, counter) => {
    for (const [algorithm, hash] of [['SHA1', 'sha1'], ['SHA256', 'sha256'], ['SHA512', 'sha512']] as const) {
      for (const digits of [6, 8]) {
        expect(generateHotp(SECRET, counter, { algorithm, digits })).toBe(referenceHotp(SECRET, counter, hash, digits));
      }
    }
  });

  it('gives the same code for a number and a bigint counter', () => {
    for (const counter of [0, 9, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER]) {
      expect(generateHotp(SECRET, BigInt(counter), SHA1_6)).toBe(generateHotp(SECRET, counter, SHA1_6));
    }
  });

  it('refuses counters outside 0 … 2^64 - 1, and numbers past the safe range (they would be rounded)', () => {
    expect(() => generateHotp(SECRET, MAX_HOTP_COUNTER + 1n, SHA1_6)).toThrow(RangeError);
    expect(() => generateHotp(SECRET, -1n, SHA1_6)).toThrow(RangeError);
    expect(() => generateHotp(SECRET, 2 ** 53, SHA1_6)).toThrow(RangeError);
  });
});

describe('findHotpCounter across 2^53', () => {
  const codeAt = (counter: bigint) => referenceHotp(SECRET, counter, 'sha1', 6);

  it('finds a code just past 2^53 from a counter just below it, given as a number or a bigint', () => {
    const start = Number.MAX_SAFE_INTEGER - 1; // 2^53 - 2
    expect(findHotpCounter(SECRET, codeAt(TWO_53 + 1n), { ...SHA1_6, counter: start, window: 5 })).toBe(TWO_53 + 1n);
    expect(findHotpCounter(SECRET, codeAt(TWO_53 + 1n), { ...SHA1_6, counter: BigInt(start), window: 5 })).toBe(TWO_53 + 1n);
    expect(findHotpCounter(SECRET, codeAt(TWO_53 + 4n), { ...SHA1_6, counter: start, window: 5 })).toBe(null); // 2^53 + 4 > start + 5
  });

  it('searches up to 2^64 - 1 and no further', () => {
    const opts = { ...SHA1_6, counter: MAX_HOTP_COUNTER - 2n, window: 10 };
    expect(findHotpCounter(SECRET, codeAt(MAX_HOTP_COUNTER), opts)).toBe(MAX_HOTP_COUNTER);
  });

  it('stops at maxCounter, so the next counter a store keeps (match + 1) fits its range', () => {
    const maxCounter = MAX_STORED_HOTP_COUNTER - 1n;
    const opts = { ...SHA1_6, counter: maxCounter - 1n, window: 10, maxCounter };
    expect(findHotpCounter(SECRET, codeAt(maxCounter), opts)).toBe(maxCounter);
    expect(findHotpCounter(SECRET, codeAt(maxCounter + 1n), opts)).toBe(null);
    expect(findHotpCounter(SECRET, codeAt(maxCounter + 1n), { ...opts, counter: maxCounter + 1n })).toBe(null);
  });
});

describe('syncHotp across 2^53', () => {
  const codeAt = (counter: bigint) => referenceHotp(SECRET, counter, 'sha1', 6);

  it('finds a pair straddling 2^53 and returns the next counter exactly', () => {
    const pair = [codeAt(TWO_53 - 1n), codeAt(TWO_53)] as const;
    expect(syncHotp(SECRET, ...pair, { ...SHA1_6, counter: TWO_53 - 500n })).toBe(TWO_53 + 1n);
    expect(syncHotp(SECRET, ...pair, { ...SHA1_6, counter: Number(TWO_53 - 500n) })).toBe(TWO_53 + 1n);
    expect(syncHotp(SECRET, ...pair, { ...SHA1_6, counter: TWO_53 })).toBe(null); // behind the counter
  });

  it('keeps both codes at or below maxCounter', () => {
    const maxCounter = MAX_STORED_HOTP_COUNTER - 1n;
    const opts = { ...SHA1_6, counter: maxCounter - 100n, maxCounter };
    expect(syncHotp(SECRET, codeAt(maxCounter - 1n), codeAt(maxCounter), opts)).toBe(maxCounter + 1n);
    expect(syncHotp(SECRET, codeAt(maxCounter), codeAt(maxCounter + 1n), opts)).toBe(null);
  });
});

describe('parseHotpCounter and hotpCounterToJson', () => {
  it('reads every digit of a counter up to 2^64 - 1', () => {
    expect(parseHotpCounter('9007199254740993')).toBe(9007199254740993n); // 2^53 + 1: a double would say …992
    expect(parseHotpCounter(' 18446744073709551615 ')).toBe(MAX_HOTP_COUNTER);
    expect(parseHotpCounter('000000000000000000000042')).toBe(42n);
  });

  it.each(['18446744073709551616', '-1', '1e3', '0x10', '12.0', '', ' '])('refuses %j', (text) => {
    expect(parseHotpCounter(text)).toBe(null);
  });

  it('writes a number while it is a safe integer, the decimal string beyond', () => {
    expect(hotpCounterToJson(42n)).toBe(42);
    expect(hotpCounterToJson(TWO_53 - 1n)).toBe(Number.MAX_SAFE_INTEGER);
    expect(hotpCounterToJson(TWO_53)).toBe('9007199254740992');
    expect(hotpCounterToJson(MAX_STORED_HOTP_COUNTER)).toBe('9223372036854775807');
  });
});
