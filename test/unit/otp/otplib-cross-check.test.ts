import { findHotpCounter, findTotpStep, generateHotp, generateTotp, OtpAlgorithm, syncTotp } from '../../../src/domain/otp';
import { otplibCodes, ReferenceCase } from './otplib-reference';

const SECRETS = [
  Buffer.from('1234'), // RFC 6030 figure 2: shorter than otplib's default 16-byte minimum
  Buffer.from('12345678901234567890'),
  Buffer.from('12345678901234567890123456789012'),
  Buffer.from('1234567890123456789012345678901234567890123456789012345678901234'),
  Buffer.alloc(150, 0xa5), // longer than a SHA-512 block
];
const ALGORITHMS: OtpAlgorithm[] = ['SHA1', 'SHA256', 'SHA512'];

describe('the node:crypto computation agrees with otplib 13', () => {
  const cases: { ours: () => string; reference: ReferenceCase }[] = [];
  for (const secret of SECRETS) {
    for (const algorithm of ALGORITHMS) {
      for (const digits of [6, 8, 10]) {
        for (const counter of [0, 1, 9, 1000, 2 ** 32 + 5]) {
          cases.push({
            ours: () => generateHotp(secret, counter, { algorithm, digits }),
            reference: { strategy: 'hotp', secretHex: secret.toString('hex'), algorithm: lower(algorithm), digits, counter },
          });
        }
        for (const [epoch, period] of [[59, 30], [1111111109, 30], [20000000000, 30], [1700000000, 60]]) {
          cases.push({
            ours: () => generateTotp(secret, epoch, { algorithm, digits, period }),
            reference: { strategy: 'totp', secretHex: secret.toString('hex'), algorithm: lower(algorithm), digits, epoch, period },
          });
        }
      }
    }
  }

  it(`for ${cases.length} HOTP and TOTP codes`, () => {
    const expected = otplibCodes(cases.map((c) => c.reference));
    expect(cases.map((c) => c.ours())).toEqual(expected);
  });
});

describe('window searches are fast enough for /auth/verify and /token/syncToken', () => {
  const secret = Buffer.from('12345678901234567890');
  const opts = { algorithm: 'SHA1', digits: 6 } as const;

  it('logs the time of a 1000-counter HOTP search and a ±2880-step TOTP search', () => {
    const hotpMiss = '000000' === generateHotp(secret, 0, opts) ? '000001' : '000000';
    // best of five warm runs: other jest workers share the CPU
    const time = (run: () => unknown) => {
      run();
      let best = Infinity;
      for (let i = 0; i < 5; i++) {
        const started = process.hrtime.bigint();
        run();
        best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e6);
      }
      return best;
    };
    const hotpMs = time(() => findHotpCounter(secret, hotpMiss, { ...opts, counter: 0, window: 1000 }));
    const totpMs = time(() => findTotpStep(secret, hotpMiss, { ...opts, period: 30, timeSeconds: 1.7e9, driftSteps: 0, window: 2880 }));
    const syncMs = time(() => syncTotp(secret, hotpMiss, hotpMiss, { ...opts, period: 30, timeSeconds: 1.7e9, windowSeconds: 86400 }));
    console.log(`HOTP 1001-counter search ${hotpMs.toFixed(2)} ms; TOTP 5761-step search ${totpMs.toFixed(2)} ms; TOTP ±24 h sync ${syncMs.toFixed(2)} ms`);
  });
});

function lower(algorithm: OtpAlgorithm): ReferenceCase['algorithm'] {
  return algorithm.toLowerCase() as ReferenceCase['algorithm'];
}
