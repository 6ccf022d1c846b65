import { findHotpCounter, generateHotp, syncHotp } from '../../../src/domain/otp';
import { otplibCodes } from './otplib-reference';

const RFC4226_SECRET = Buffer.from('12345678901234567890');
const SIX_DIGITS_SHA1 = { algorithm: 'SHA1', digits: 6 } as const;

describe('generateHotp', () => {
  // RFC 4226 Appendix D
  const APPENDIX_D = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];

  it.each(APPENDIX_D.map((code, counter) => [counter, code]))('gives the RFC 4226 value for counter %i', (counter, code) => {
    expect(generateHotp(RFC4226_SECRET, counter, SIX_DIGITS_SHA1)).toBe(code);
  });

  it('works with a 4-byte seed such as RFC 6030 figure 2 ("1234")', () => {
    expect(generateHotp(Buffer.from('1234'), 0, SIX_DIGITS_SHA1)).toBe('110366');
  });

  it('works with a seed longer than the hash block (hashed first, as HMAC requires): the value otplib gives', () => {
    const seed = Buffer.alloc(200, 7);
    const [expected] = otplibCodes([{ strategy: 'hotp', secretHex: seed.toString('hex'), algorithm: 'sha256', digits: 8, counter: 1 }]);
    expect(generateHotp(seed, 1, { algorithm: 'SHA256', digits: 8 })).toBe(expected);
  });

  it('refuses a negative or fractional counter and impossible digit counts', () => {
    expect(() => generateHotp(RFC4226_SECRET, -1, SIX_DIGITS_SHA1)).toThrow(RangeError);
    expect(() => generateHotp(RFC4226_SECRET, 1.5, SIX_DIGITS_SHA1)).toThrow(RangeError);
    expect(() => generateHotp(RFC4226_SECRET, 0, { algorithm: 'SHA1', digits: 11 })).toThrow(RangeError);
  });
});

describe('findHotpCounter', () => {
  const opts = { ...SIX_DIGITS_SHA1, counter: 3, window: 5 };

  it('finds the counter of a code inside the look-ahead window', () => {
    expect(findHotpCounter(RFC4226_SECRET, '969429', opts)).toBe(3n);
    expect(findHotpCounter(RFC4226_SECRET, '162583', opts)).toBe(7n);
    expect(findHotpCounter(RFC4226_SECRET, '520489', opts)).toBe(null); // counter 9 > 3 + 5
  });

  it('does not look behind the expected counter (a used code stays used)', () => {
    expect(findHotpCounter(RFC4226_SECRET, '359152', opts)).toBe(null); // counter 2
  });

  it('answers null for malformed codes without searching', () => {
    expect(findHotpCounter(RFC4226_SECRET, '96942', opts)).toBe(null);
    expect(findHotpCounter(RFC4226_SECRET, '96942a', opts)).toBe(null);
    expect(findHotpCounter(RFC4226_SECRET, ' 969429', opts)).toBe(null);
  });

  it('checks only the expected counter when the window is 0', () => {
    expect(findHotpCounter(RFC4226_SECRET, '969429', { ...opts, window: 0 })).toBe(3n);
    expect(findHotpCounter(RFC4226_SECRET, '338314', { ...opts, window: 0 })).toBe(null);
  });
});

describe('syncHotp', () => {
  const opts = { ...SIX_DIGITS_SHA1, counter: 0, window: 1000 };
  const codeAt = (counter: number) => generateHotp(RFC4226_SECRET, counter, SIX_DIGITS_SHA1);
  const SIX_DIGITS_SHA1_AT_0 = { ...SIX_DIGITS_SHA1, counter: 0 };

  it('finds two consecutive codes at counter 500 and returns the next counter, 502', () => {
    expect(syncHotp(RFC4226_SECRET, codeAt(500), codeAt(501), opts)).toBe(502n);
  });

  it('finds a pair at the very end of the window', () => {
    expect(syncHotp(RFC4226_SECRET, codeAt(1000), codeAt(1001), opts)).toBe(1002n);
  });

  it('fails beyond the window', () => {
    expect(syncHotp(RFC4226_SECRET, codeAt(1001), codeAt(1002), opts)).toBe(null);
    expect(syncHotp(RFC4226_SECRET, codeAt(1500), codeAt(1501), opts)).toBe(null);
  });

  it('fails when the codes are not consecutive or in the wrong order', () => {
    expect(syncHotp(RFC4226_SECRET, codeAt(500), codeAt(502), opts)).toBe(null);
    expect(syncHotp(RFC4226_SECRET, codeAt(501), codeAt(500), opts)).toBe(null);
  });

  it('looks 1000 counters ahead when no window is given', () => {
    expect(syncHotp(RFC4226_SECRET, codeAt(1000), codeAt(1001), SIX_DIGITS_SHA1_AT_0)).toBe(1002n);
    expect(syncHotp(RFC4226_SECRET, codeAt(1001), codeAt(1002), SIX_DIGITS_SHA1_AT_0)).toBe(null);
  });

  it('searches from the current counter', () => {
    expect(syncHotp(RFC4226_SECRET, codeAt(5), codeAt(6), { ...opts, counter: 10 })).toBe(null);
    expect(syncHotp(RFC4226_SECRET, codeAt(1200), codeAt(1201), { ...opts, counter: 600 })).toBe(1202n);
  });
});
