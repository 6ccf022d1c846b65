/** Every row of test/fixtures/pskc/EXPECTED.md, in its order. */
import { createDecipheriv } from 'node:crypto';
import { readImportFile } from '../../support/import-reader';
import { expectRefusal } from './expect-refusal';
import { ASCII_20, corpusFile, corpusFiles, RFC_PSK } from './pskc-corpus';
import { encryptionKeyOf, macKeyOf, readSecrets } from './read-pskc-secrets';

const importPskc = async (file: string, keys: { psk?: string; passphrase?: string } = {}) =>
  (await readImportFile(corpusFile(file), keys)).tokens;

describe('PSKC import: RFC 6030 figures', () => {
  it('figure 2: one HOTP key, Id 12345678, issuer Issuer-A, the 4-byte secret "1234"', async () => {
    const result = await readImportFile(corpusFile('rfc6030/figure2.pskcxml'), {});
    expect(result.format).toBe('pskc');
    expect(result.tokens).toEqual([{
      position: 1, serial: '12345678', secret: Buffer.from('1234'), type: 'HOTP', algorithm: 'SHA1',
      digits: 6, counter: 0n, period: 0, issuer: 'Issuer-A',
    }]);
  });

  it('figure 3: HOTP, serial 987654321, 8 digits, counter 0, the ASCII secret', async () => {
    expect(await importPskc('rfc6030/figure3.pskcxml')).toEqual([{
      position: 1, serial: '987654321', secret: ASCII_20, type: 'HOTP', algorithm: 'SHA1',
      digits: 8, counter: 0n, period: 0, issuer: 'Issuer', manufacturer: 'Manufacturer',
    }]);
  });

  it('figure 4: refused, the secret is derived out of band and not in the file', async () => {
    const error = await expectRefusal(() => importPskc('rfc6030/figure4.pskcxml'));
    expect(error.reasons).toEqual([{ position: 1, serial: '987654321', message: expect.stringMatching(/not in the file/) }]);
  });

  it('figure 5: the HOTP key is imported, the PIN key is not a token', async () => {
    const tokens = await importPskc('rfc6030/figure5.pskcxml');
    expect(tokens).toHaveLength(1);
    expect(tokens[0]).toMatchObject({ position: 1, serial: '987654321', type: 'HOTP', secret: ASCII_20 });
  });

  it('figure 6: pre-shared key, HOTP 8 digits, the secret decrypts and its MAC checks', async () => {
    expect(await importPskc('rfc6030/figure6.pskcxml', { psk: RFC_PSK })).toEqual([{
      // the Key Id is 12345678; the serial, which takes precedence, 987654321
      position: 1, serial: '987654321', secret: Buffer.from('3132333435363738393031323334353637383930', 'hex'),
      type: 'HOTP', algorithm: 'SHA1', digits: 8, counter: 0n, period: 0, issuer: 'Issuer', manufacturer: 'Manufacturer',
    }]);
    expect((await macKeyOf('rfc6030/figure6.pskcxml', { psk: RFC_PSK }))?.toString('hex')).toBe('1122334455667788990011223344556677889900');
  });

  it('figure 7: PBKDF2 from "qwerty" derives 651e63cd…; HOTP 8 digits with the ASCII secret', async () => {
    // the file's comment calls the secret "12345678901234567890 hex"; it decrypts to those ASCII digits
    expect((await encryptionKeyOf('rfc6030/figure7.pskcxml', { passphrase: 'qwerty' }))?.toString('hex')).toBe('651e63cd57008476af1ff6422cd02e41');
    expect(await importPskc('rfc6030/figure7.pskcxml', { passphrase: 'qwerty' })).toEqual([expect.objectContaining({
      serial: '987654321', type: 'HOTP', digits: 8, secret: ASCII_20, issuer: 'Example-Issuer',
    })]);
  });

  it('figure 8: refused clearly, the seeds are encrypted to an RSA key', async () => {
    const error = await expectRefusal(() => importPskc('rfc6030/figure8.pskcxml', { psk: RFC_PSK }));
    expect(error.reasons).toEqual([{ position: null, message: expect.stringMatching(/asymmetric/) }]);
  });
});

describe('PSKC import: multiOTP files', () => {
  it.each(['multiotp/pskc-hotp-aes.txt', 'multiotp/pskc-totp-aes.txt'])('%s: the PSK opens 3132…30', async (file) => {
    const tokens = await importPskc(file, { psk: RFC_PSK });
    expect(tokens[0].secret.toString('hex')).toBe('3132333435363738393031323334353637383930');
  });

  it('pskc-hotp-aes.txt: two HOTP tokens', async () => {
    expect((await importPskc('multiotp/pskc-hotp-aes.txt', { psk: RFC_PSK })).map((t) => [t.serial, t.type, t.digits]))
      .toEqual([['ZZ0000000000', 'HOTP', 6], ['ZZ0100000000', 'HOTP', 8]]);
  });

  it('pskc-totp-aes.txt: four TOTP tokens, two of them SHA256', async () => {
    expect((await importPskc('multiotp/pskc-totp-aes.txt', { psk: RFC_PSK })).map((t) => [t.serial, t.type, t.algorithm, t.digits, t.period]))
      .toEqual([
        ['ZZ1000000000', 'TOTP', 'SHA1', 6, 30], ['ZZ1100000000', 'TOTP', 'SHA1', 8, 30],
        ['ZZ1000000001', 'TOTP', 'SHA256', 6, 30], ['ZZ1100000001', 'TOTP', 'SHA256', 8, 30],
      ]);
  });

  it.each(['multiotp/pskc-hotp-pbe.txt', 'multiotp/pskc-totp-pbe.txt'])('%s: "qwerty" opens 3031…39', async (file) => {
    const [token] = await importPskc(file, { passphrase: 'qwerty' });
    expect(token.secret.toString('hex')).toBe('3031323334353637383930313233343536373839');
  });

  it('tokens_hotp_aes.pskc: first secret 91f0dc4e…, with its encrypted 7-byte counters exactly (beyond 2^53)', async () => {
    const tokens = await importPskc('multiotp/tokens_hotp_aes.pskc', { psk: RFC_PSK });
    expect(tokens.map((t) => [t.serial, t.type, t.counter])).toEqual([
      ['ZZ7000000001', 'HOTP', 0x3bfeb148808dd6n], // 16887061004979670
      ['ZZ7000000002', 'HOTP', 0x75b733387bf4f3n], // 33134002894009587
    ]);
    expect(tokens[0].counter).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
    // the same values decrypted independently: AES-128-CBC, IV first, PKCS#7, 7 big-endian bytes
    const counters = [...corpusFile('multiotp/tokens_hotp_aes.pskc').matchAll(/<pskc:Counter>[\s\S]*?<xenc:CipherValue>([^<]+)</g)]
      .map(([, base64]) => {
        const bytes = Buffer.from(base64, 'base64');
        const decipher = createDecipheriv('aes-128-cbc', Buffer.from(RFC_PSK, 'hex'), bytes.subarray(0, 16));
        const plain = Buffer.concat([decipher.update(bytes.subarray(16)), decipher.final()]);
        expect(plain).toHaveLength(7);
        return BigInt(`0x${plain.toString('hex')}`);
      });
    expect(counters).toEqual(tokens.map((t) => t.counter));
    expect(tokens[0].secret.toString('hex')).toBe('91f0dc4e239977e6bcc273e4f5414a8a6cf6d62c6990f58b4914a2d588b3475f');
  });

  it('tokens_hotp_pbe.pskc: first secret 5d3a38bf…, with the counter the file holds', async () => {
    expect(await importPskc('multiotp/tokens_hotp_pbe.pskc', { passphrase: 'qwerty' })).toEqual([expect.objectContaining({
      serial: 'ZZ7000000000', type: 'HOTP', digits: 8, counter: 3175185617134465n,
      secret: Buffer.from('5d3a38bf5476d6f0b897f1e62887cb3ce833a5b9', 'hex'),
    })]);
  });

  it('tokens_totp_aes.pskc: first secret 38c2506a…, HMAC-SHA256; the second SHA512', async () => {
    const tokens = await importPskc('multiotp/tokens_totp_aes.pskc', { psk: RFC_PSK });
    expect(tokens.map((t) => [t.serial, t.type, t.algorithm, t.digits, t.period]))
      .toEqual([['ZZ8000000001', 'TOTP', 'SHA256', 8, 30], ['ZZ8000000002', 'TOTP', 'SHA512', 8, 30]]);
    expect(tokens[0].secret.toString('hex')).toBe('38c2506a8e0708a5e929c2686b827e0ba7ae28c9de3c83e6d27308345981a3de');
  });

  it('tokens_totp_pbe.pskc: one SHA1 TOTP token', async () => {
    expect((await importPskc('multiotp/tokens_totp_pbe.pskc', { passphrase: 'qwerty' })).map((t) => [t.serial, t.type, t.algorithm]))
      .toEqual([['ZZ8000000000', 'TOTP', 'SHA1']]);
  });

  it.each([['multiotp/tokens_ocra_aes.pskc', { psk: RFC_PSK }], ['multiotp/tokens_ocra_pbe.pskc', { passphrase: 'qwerty' }]])(
    '%s: refused, OCRA and PIN keys are not OTP tokens', async (file, keys) => {
      const error = await expectRefusal(() => importPskc(file, keys));
      expect(error.reasons).toEqual([{ position: null, message: expect.stringMatching(/no HOTP or TOTP key.*ocra/) }]);
    },
  );
});

describe('PSKC import: encryption test files', () => {
  // These files hold a bare <Key> (no serial, no Id, no algorithm): the secret decrypts,
  // but the key cannot become a token, so the import is refused for that reason alone.
  it.each([
    ['encryption/aes128-cbc.pskcxml', RFC_PSK, ASCII_20],
    ['encryption/aes256-cbc.pskcxml', '1234567890123456789012345678901234567890123456789012345678901234', ASCII_20],
    ['encryption/kw-aes128.pskcxml', '000102030405060708090a0b0c0d0e0f', Buffer.from('00112233445566778899aabbccddeeff', 'hex')],
  ])('%s decrypts with its key', async (file, psk, secret) => {
    expect(await readSecrets(file, { psk })).toEqual([secret]);
    const error = await expectRefusal(() => importPskc(file, { psk }));
    expect(error.reasons).toEqual([{ position: 1, message: expect.stringMatching(/no Algorithm.*no serial number/) }]);
    expect(error.reasons[0].message).not.toMatch(/MAC|decrypt/);
  });
});

describe('PSKC import: invalid files', () => {
  it.each(corpusFiles('invalid'))('%s is refused with a reason', async (file) => {
    const error = await expectRefusal(() => readImportFile(corpusFile(file), { format: 'pskc', psk: RFC_PSK, passphrase: 'qwerty' }));
    const messages = error.reasons.map((reason) => reason.message).join('\n');
    expect(messages).toMatch(INVALID_REASONS[file.slice('invalid/'.length)]);
    for (const [, value] of corpusFile(file).matchAll(/<(?:\w+:)?(?:CipherValue|PlainValue|ValueMAC)>\s*([^<\s]+)/g)) {
      expect(messages).not.toContain(value); // no secret, ciphertext or MAC is ever echoed
    }
  });
});

const INVALID_REASONS: Record<string, RegExp> = {
  'incomplete-derivation.pskcxml': /PBKDF2 key derivation is incomplete/,
  'mac-algorithm.pskcxml': /unsupported MAC algorithm "hmac-zha9"/,
  'mac-value.pskcxml': /does not match its MAC/,
  'missing-encryption-method.pskcxml': /names no EncryptionMethod/,
  'missing-encryption.pskcxml': /names no Algorithm/,
  'no-mac-method.pskcxml': /no MACMethod/,
  'not-boolean.pskcxml': /CheckDigits is not a boolean \("not really"\)/,
  'not-integer.pskcxml': /NumberOfTransactions is not a whole number \("TWELVE"\)/,
  'not-integer2.pskcxml': /MinLength is not a whole number \("FOUR"\)/,
  'notxml.pskcxml': /not well-formed XML/,
  'unknown-encryption.pskcxml': /unsupported encryption algorithm "unknown"/,
  'wrongelement.pskcxml': /not a PSKC file: the root element is <SomethingElse>/,
  'wrongversion.pskcxml': /unsupported PSKC version "1.2"/,
};
