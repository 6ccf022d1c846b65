/** Files shipped by token vendors, plus the RFC 6030 figures EXPECTED.md does not list. */
import { readImportFile, readPskcReadings } from '../../support/import-reader';
import { expectRefusal } from './expect-refusal';
import { ASCII_20, corpusFile } from './pskc-corpus';

const importPskc = async (file: string, keys: { psk?: string; passphrase?: string } = {}) =>
  (await readImportFile(corpusFile(file), keys)).tokens;
const summary = (tokens: Awaited<ReturnType<typeof importPskc>>) => tokens.map((t) => [t.position, t.serial, t.type, t.digits, t.period]);

describe('Feitian seed files', () => {
  it('20120919-test001-4282.xml: a 60-second TOTP token and an HOTP token', async () => {
    const tokens = await importPskc('feitian/20120919-test001-4282.xml');
    expect(summary(tokens)).toEqual([[1, '2600215704919', 'TOTP', 6, 60], [2, '1000117803294', 'HOTP', 6, 0]]);
    expect(tokens[0]).toMatchObject({ manufacturer: 'FeiTian Technology Co.,Ltd', algorithm: 'SHA1', counter: 0n });
    expect(tokens[0].secret.toString('base64')).toBe('zSK3gP/9LVNpaAfs039ATa45MnA=');
  });

  it('file1.pskcxml: two HOTP and four TOTP tokens', async () => {
    expect(summary(await importPskc('feitian/file1.pskcxml'))).toEqual([
      [1, '1000133508267', 'HOTP', 6, 0], [2, '1000133508255', 'HOTP', 6, 0],
      [3, '2600124809778', 'TOTP', 6, 60], [4, '2600124809787', 'TOTP', 6, 60],
      [5, '2600135004012', 'TOTP', 6, 60], [6, '2600135004013', 'TOTP', 6, 60],
    ]);
  });
});

describe('NagraID seed file', () => {
  const psk = '4A057F6AB6FCB57AB5408E46A9835E68'; // from the file's comment

  it('holds three OCRA (challenge-response) keys, which are not OTP tokens', async () => {
    expect(await readPskcReadings(corpusFile('nagraid/file1.pskcxml'), { psk })).toEqual([
      { skipped: 'ocra', serial: '306EUO4-00960' },
      { skipped: 'ocra', serial: '306EUO4-00954' },
      { skipped: 'ocra', serial: '306EUO4-00958' },
    ]);
  });

  it('is refused: nothing in it can be imported', async () => {
    const error = await expectRefusal(() => importPskc('nagraid/file1.pskcxml', { psk }));
    expect(error.reasons).toEqual([{ position: null, message: 'the file holds no HOTP or TOTP key to import (only 3 ocra keys)' }]);
  });
});

describe('ActivIdentity seed file (pre-RFC draft layout)', () => {
  // the corpus does not give this file's key; python-pskc's tests open it with this one
  const psk = 'fe0de6b806c09b762c4b49a666a27b72';

  it('imports its HOTP token, decrypted with the shared IV and checked against the plaintext digest', async () => {
    expect(await importPskc('actividentity/test.pskcxml', { psk })).toEqual([{
      position: 1, serial: '0950380269', secret: Buffer.from('dce70c2a0c1f5806f316ca8d09456eb4765ad053', 'hex'),
      type: 'HOTP', algorithm: 'SHA1', digits: 8, counter: 837830147n, period: 0,
      issuer: 'ActivIdentity', manufacturer: 'ActivIdentity',
    }]);
  });

  it('refuses a wrong key', async () => {
    const error = await expectRefusal(() => importPskc('actividentity/test.pskcxml', { psk: '00'.repeat(16) }));
    expect(error.reasons).toEqual([{ position: 1, serial: '0950380269', message: expect.stringMatching(/wrong pre-shared key/) }]);
  });
});

describe('other RFC 6030 figures', () => {
  it('figure 9: imported; its XML signature is not verified (the file has no MAC either)', async () => {
    expect(await importPskc('rfc6030/figure9.pskcxml')).toEqual([expect.objectContaining({
      serial: '0755225266', type: 'HOTP', digits: 6, secret: ASCII_20,
    })]);
  });

  it('figure 10: refused, two keys share serial 9999999', async () => {
    // RFC 6030's bulk example gives one device two keys with successive validity periods
    const error = await expectRefusal(() => importPskc('rfc6030/figure10.pskcxml'));
    expect(error.reasons).toEqual([{ position: 4, serial: '9999999', message: 'serial 9999999 is already used by entry 3 of this file' }]);
  });
});
