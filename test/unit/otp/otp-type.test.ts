import { otpType, OtpToken } from '../../../src/domain/otp';

// The per-type rules against the RFC vectors: RFC 4226 Appendix D (HOTP, 6 digits) and
// RFC 6238 Appendix B (TOTP, SHA1, 8 digits, 30 s steps), same 20-byte seed.
const SEED = Buffer.from('12345678901234567890');
const RFC4226 = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];

const token = (over: Partial<OtpToken>): OtpToken => ({
  algorithm: 'SHA1', digits: 6, period: 30, authWindow: 10, counter: 0n, drift: 0, lastStep: null, ...over,
});

describe('HOTP rules', () => {
  const hotp = otpType('HOTP');

  it('accepts a code within the look-ahead and moves the counter past it, leaving the TOTP fields', () => {
    expect(hotp.verify(SEED, RFC4226[3], token({ counter: 1n, drift: 5, lastStep: 7 }), 0)).toEqual({ counter: 4n, drift: 5, lastStep: 7 });
  });

  it('refuses a code behind the counter (used) and one beyond the look-ahead', () => {
    expect(hotp.verify(SEED, RFC4226[0], token({ counter: 1n }), 0)).toBeNull();
    expect(hotp.verify(SEED, RFC4226[9], token({ counter: 0n, authWindow: 8 }), 0)).toBeNull();
  });

  it('syncs on two consecutive codes to after the second, and answers the counter', () => {
    const next = hotp.sync(SEED, RFC4226[6], RFC4226[7], token({}), 0);
    expect(next).toEqual({ counter: 8n, drift: 0, lastStep: null });
    expect(hotp.syncReply(next!)).toEqual({ counter: 8 });
    expect(hotp.sync(SEED, RFC4226[7], RFC4226[6], token({}), 0)).toBeNull();
  });

  it('delivers the next codes without consuming them', () => {
    expect(hotp.codes(SEED, token({ counter: 2n }), 3, 0)).toEqual(RFC4226.slice(2, 5));
  });
});

describe('TOTP rules', () => {
  const totp = otpType('TOTP');
  const t8 = (over: Partial<OtpToken> = {}) => token({ digits: 8, authWindow: 1, ...over });

  it('accepts the RFC 6238 code at its time and records its step with no drift', () => {
    expect(totp.verify(SEED, '07081804', t8(), 1111111109)).toEqual({ counter: 0n, drift: 0, lastStep: 0x23523ec });
  });

  it('accepts the next step within the window and measures the drift; refuses a step already used', () => {
    expect(totp.verify(SEED, '14050471', t8(), 1111111109)).toEqual({ counter: 0n, drift: 1, lastStep: 0x23523ed });
    expect(totp.verify(SEED, '07081804', t8({ lastStep: 0x23523ec }), 1111111109)).toBeNull();
  });

  it('syncs on two consecutive steps far off, and answers the drift of the second (the token\'s current code)', () => {
    const first = '07081804'; // step 0x23523ec
    const second = '14050471'; // step 0x23523ed
    // the server's clock is one hour (120 steps) behind the first code's step
    const next = totp.sync(SEED, first, second, t8(), 1111111109 - 3600);
    expect(next).toEqual({ counter: 0n, drift: 121, lastStep: 0x23523ed });
    expect(totp.syncReply(next!)).toEqual({ drift: 121 });
  });

  it('delivers the code of the current step, drift applied', () => {
    expect(totp.codes(SEED, t8({ drift: 1 }), 1, 1111111109)).toEqual(['14050471']);
  });
});
