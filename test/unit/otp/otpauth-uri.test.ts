import { base32Decode, base32Encode, buildOtpauthUri } from '../../../src/domain/otp';

describe('buildOtpauthUri', () => {
  const secret = Buffer.from('12345678901234567890');

  it('writes a TOTP URI with every parameter spelled out', () => {
    const uri = buildOtpauthUri({ type: 'TOTP', secret, issuer: 'Acme', account: 'alice', algorithm: 'SHA1', digits: 6, period: 30 });
    expect(uri).toBe('otpauth://totp/Acme:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Acme&algorithm=SHA1&digits=6&period=30');
  });

  it('writes a 64-bit HOTP counter in full decimal', () => {
    const uri = buildOtpauthUri({ type: 'HOTP', secret, issuer: '', account: 'bob', algorithm: 'SHA1', digits: 6, counter: 2n ** 63n - 1n });
    expect(new URL(uri).searchParams.get('counter')).toBe('9223372036854775807');
  });

  it('writes an HOTP URI with the counter instead of the period', () => {
    const uri = buildOtpauthUri({ type: 'HOTP', secret, issuer: 'Acme', account: 'bob', algorithm: 'SHA256', digits: 8, counter: 42 });
    expect(uri).toBe('otpauth://hotp/Acme:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Acme&algorithm=SHA256&digits=8&counter=42');
  });

  it('percent-encodes spaces, colons, @, & and non-ASCII in the label and parameters', () => {
    const uri = buildOtpauthUri({
      type: 'TOTP', secret, issuer: 'ACME Co: Ünïcode & Sons', account: 'john.doe@example.com', algorithm: 'SHA1', digits: 6,
    });
    const [label, query] = uri.slice('otpauth://totp/'.length).split('?');
    expect(label).toBe('ACME%20Co%3A%20%C3%9Cn%C3%AFcode%20%26%20Sons:john.doe%40example.com');
    const params = new URLSearchParams(query);
    expect(params.get('issuer')).toBe('ACME Co: Ünïcode & Sons');
    expect(params.get('period')).toBe('30');
    expect(query).not.toContain('+');
  });

  it('leaves the issuer out when there is none', () => {
    const uri = buildOtpauthUri({ type: 'TOTP', secret, issuer: '', account: 'carol', algorithm: 'SHA512', digits: 6, period: 60 });
    expect(uri).toBe('otpauth://totp/carol?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&algorithm=SHA512&digits=6&period=60');
  });
});

describe('base32', () => {
  // RFC 4648 section 10, without the padding
  const VECTORS: [string, string][] = [
    ['', ''], ['f', 'MY'], ['fo', 'MZXQ'], ['foo', 'MZXW6'], ['foob', 'MZXW6YQ'], ['fooba', 'MZXW6YTB'], ['foobar', 'MZXW6YTBOI'],
  ];

  it.each(VECTORS)('encodes %j as %j and back', (plain, encoded) => {
    expect(base32Encode(Buffer.from(plain))).toBe(encoded);
    expect(base32Decode(encoded).toString()).toBe(plain);
  });

  it('decodes lower case, padding and spaces', () => {
    expect(base32Decode('mzxw 6ytb oi======').toString()).toBe('foobar');
    expect(base32Decode('MZXW6YQ=').toString()).toBe('foob');
  });

  it('refuses characters outside the alphabet', () => {
    expect(() => base32Decode('MZXW1')).toThrow(/base32/);
  });

  it('round-trips random seeds', () => {
    for (let length = 1; length <= 64; length++) {
      const seed = Buffer.from(Array.from({ length }, (_, i) => (i * 37 + length) & 0xff));
      expect(base32Decode(base32Encode(seed))).toEqual(seed);
    }
  });
});
