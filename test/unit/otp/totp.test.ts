import { findTotpStep, generateTotp, OtpAlgorithm, syncTotp, totpStep } from '../../../src/domain/otp';

// RFC 6238 Appendix B: one seed per hash, 8 digits, 30-second steps
const SEEDS: Record<OtpAlgorithm, Buffer> = {
  SHA1: Buffer.from('12345678901234567890'),
  SHA256: Buffer.from('12345678901234567890123456789012'),
  SHA512: Buffer.from('1234567890123456789012345678901234567890123456789012345678901234'),
};

const APPENDIX_B: [number, OtpAlgorithm, string][] = [
  [59, 'SHA1', '94287082'], [59, 'SHA256', '46119246'], [59, 'SHA512', '90693936'],
  [1111111109, 'SHA1', '07081804'], [1111111109, 'SHA256', '68084774'], [1111111109, 'SHA512', '25091201'],
  [1111111111, 'SHA1', '14050471'], [1111111111, 'SHA256', '67062674'], [1111111111, 'SHA512', '99943326'],
  [1234567890, 'SHA1', '89005924'], [1234567890, 'SHA256', '91819424'], [1234567890, 'SHA512', '93441116'],
  [2000000000, 'SHA1', '69279037'], [2000000000, 'SHA256', '90698825'], [2000000000, 'SHA512', '38618901'],
  [20000000000, 'SHA1', '65353130'], [20000000000, 'SHA256', '77737706'], [20000000000, 'SHA512', '47863826'],
];

describe('generateTotp', () => {
  it.each(APPENDIX_B)('gives the RFC 6238 value at time %i with %s', (time, algorithm, code) => {
    expect(generateTotp(SEEDS[algorithm], time, { algorithm, digits: 8, period: 30 })).toBe(code);
  });
});

describe('totpStep', () => {
  it('counts whole periods since the epoch', () => {
    expect(totpStep(59, 30)).toBe(1);
    expect(totpStep(1111111109, 30)).toBe(0x23523ec);
    expect(totpStep(20000000000, 30)).toBe(0x27bc86aa);
    expect(totpStep(119, 60)).toBe(1);
  });

  it('refuses a zero period', () => {
    expect(() => totpStep(59, 0)).toThrow(RangeError);
  });
});

describe('findTotpStep', () => {
  const secret = SEEDS.SHA1;
  const opts = { algorithm: 'SHA1', digits: 6, period: 30 } as const;
  const now = 1_700_000_000;
  const codeAtStep = (step: number) => generateTotp(secret, step * 30, opts);
  const current = totpStep(now, 30);

  it('returns the absolute step of a code within ±window of the expected step', () => {
    const search = { ...opts, timeSeconds: now, driftSteps: 0, window: 1 };
    expect(findTotpStep(secret, codeAtStep(current), search)).toBe(current);
    expect(findTotpStep(secret, codeAtStep(current - 1), search)).toBe(current - 1);
    expect(findTotpStep(secret, codeAtStep(current + 1), search)).toBe(current + 1);
    expect(findTotpStep(secret, codeAtStep(current + 2), search)).toBe(null);
  });

  it('centres the window on the known drift', () => {
    const search = { ...opts, timeSeconds: now, driftSteps: 360, window: 1 };
    expect(findTotpStep(secret, codeAtStep(current + 361), search)).toBe(current + 361);
    expect(findTotpStep(secret, codeAtStep(current), search)).toBe(null);
  });

  it('answers null for a malformed code', () => {
    expect(findTotpStep(secret, 'abcdef', { ...opts, timeSeconds: now, driftSteps: 0, window: 1 })).toBe(null);
  });
});

describe('syncTotp', () => {
  const secret = SEEDS.SHA1;
  const opts = { algorithm: 'SHA1', digits: 6, period: 30, windowSeconds: 86400 } as const;
  const now = 1_700_000_000;
  const current = totpStep(now, 30);
  const codeAtStep = (step: number) => generateTotp(secret, step * 30, opts);

  it('measures a token clock running 3 hours ahead', () => {
    const tokenStep = current + (3 * 3600) / 30;
    const result = syncTotp(secret, codeAtStep(tokenStep - 1), codeAtStep(tokenStep), { ...opts, timeSeconds: now });
    expect(result).toEqual({ driftSteps: 360, lastStep: tokenStep });
  });

  it('measures a token clock running 3 hours behind', () => {
    const tokenStep = current - 360;
    const result = syncTotp(secret, codeAtStep(tokenStep - 1), codeAtStep(tokenStep), { ...opts, timeSeconds: now });
    expect(result).toEqual({ driftSteps: -360, lastStep: tokenStep });
  });

  it('allows ±24 h when no window is given', () => {
    const { windowSeconds: _, ...withoutWindow } = opts;
    const inside = current + (23 * 3600) / 30;
    const outside = current + (25 * 3600) / 30;
    expect(syncTotp(secret, codeAtStep(inside - 1), codeAtStep(inside), { ...withoutWindow, timeSeconds: now })?.driftSteps).toBe(inside - current);
    expect(syncTotp(secret, codeAtStep(outside - 1), codeAtStep(outside), { ...withoutWindow, timeSeconds: now })).toBe(null);
  });

  it('fails for a clock more than the window off, or codes that are not consecutive', () => {
    const farStep = current + (25 * 3600) / 30;
    expect(syncTotp(secret, codeAtStep(farStep - 1), codeAtStep(farStep), { ...opts, timeSeconds: now })).toBe(null);
    expect(syncTotp(secret, codeAtStep(current), codeAtStep(current + 2), { ...opts, timeSeconds: now })).toBe(null);
  });
});
