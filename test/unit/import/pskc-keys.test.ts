/** Opening encrypted PSKC files: right keys, wrong keys, missing keys, every cipher of the corpus. */
import { readImportFile } from '../../support/import-reader';
import { expectRefusal } from './expect-refusal';
import { ASCII_20, corpusFile, RFC_PSK } from './pskc-corpus';
import { readSecrets } from './read-pskc-secrets';

const importPskc = async (file: string, keys: { psk?: string; passphrase?: string }) => (await readImportFile(corpusFile(file), keys)).tokens;
const WRONG_KEY = /wrong pre-shared key or passphrase/;

describe('a wrong key is refused, never imported as garbage', () => {
  it.each([
    ['a wrong pre-shared key', 'rfc6030/figure6.pskcxml', { psk: '12345678901234567890123456789013' }],
    ['a wrong pre-shared key', 'multiotp/pskc-totp-aes.txt', { psk: 'ffeeddccbbaa99887766554433221100' }],
    ['a wrong passphrase', 'rfc6030/figure7.pskcxml', { passphrase: 'qwertz' }],
    ['a wrong passphrase', 'multiotp/tokens_hotp_pbe.pskc', { passphrase: 'QWERTY' }],
    ['a wrong passphrase', 'misc/SampleFullyQualifiedNS.xml', { passphrase: '3FCA3158035072D7' }],
  ])('%s for %s', async (_, file, keys) => {
    const error = await expectRefusal(() => importPskc(file, keys));
    for (const reason of error.reasons) expect(reason.message).toMatch(WRONG_KEY);
  });

  it('a key of the wrong length for the cipher', async () => {
    const error = await expectRefusal(() => importPskc('rfc6030/figure6.pskcxml', { psk: '1234' }));
    expect(error.reasons[0].message).toMatch(/2 bytes but aes128-cbc needs 16/);
  });
});

describe('a missing or malformed key is refused for the whole file', () => {
  it('no pre-shared key', async () => {
    expect((await expectRefusal(() => importPskc('rfc6030/figure6.pskcxml', {}))).reasons)
      .toEqual([{ position: null, message: 'the file is encrypted with a pre-shared key: give it as psk (hex)' }]);
  });

  it('no passphrase, even when a pre-shared key is given', async () => {
    expect((await expectRefusal(() => importPskc('rfc6030/figure7.pskcxml', { psk: RFC_PSK }))).reasons)
      .toEqual([{ position: null, message: 'the file is protected with a passphrase (PBKDF2): give the passphrase' }]);
  });

  it('a pre-shared key that is not hex', async () => {
    expect((await expectRefusal(() => importPskc('rfc6030/figure6.pskcxml', { psk: 'not hex at all' }))).reasons)
      .toEqual([{ position: null, message: 'the pre-shared key (psk) must be hexadecimal' }]);
  });

  it('keys given for a plain file are ignored', async () => {
    expect(await importPskc('rfc6030/figure3.pskcxml', { psk: RFC_PSK, passphrase: 'x' })).toHaveLength(1);
  });
});

describe('every cipher and MAC variant of the corpus', () => {
  // encryption/*: bare keys (no serial or algorithm), so their secrets are read below the token rules
  it.each([
    ['aes128-cbc.pskcxml', RFC_PSK, ASCII_20],
    ['aes192-cbc.pskcxml', '123456789012345678901234567890123456789012345678', ASCII_20],
    ['aes256-cbc.pskcxml', '1234567890123456789012345678901234567890123456789012345678901234', ASCII_20],
    ['tripledes-cbc.pskcxml', RFC_PSK, ASCII_20],
    ['camellia128-cbc.pskcxml', '200497e673a6fae2256e9749468a67ac', ASCII_20],
    ['camellia192-cbc.pskcxml', 'e263279877384c84c987661a9d06766affdb9b3211eae801', ASCII_20],
    ['camellia256-cbc.pskcxml', '33b37e31c5a0a16f004e7fe727d4ff808fc1f879d85ccd8f06dbb5799565d2f5', ASCII_20],
    ['kw-aes128.pskcxml', '000102030405060708090a0b0c0d0e0f', Buffer.from('00112233445566778899aabbccddeeff', 'hex')],
    ['kw-aes192.pskcxml', '000102030405060708090a0b0c0d0e0f1011121314151617', Buffer.from('00112233445566778899aabbccddeeff', 'hex')],
    ['kw-aes256.pskcxml', '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
      Buffer.from('00112233445566778899aabbccddeeff0001020304050607', 'hex')],
    ['kw-camellia128.pskcxml', 'e35b135a09bfff8b314a5a0c32193c37', ASCII_20],
    ['kw-camellia192.pskcxml', '5eb0bccad29abe52d143d5aebc1c1ba174b8d379ce763c28', ASCII_20],
    ['kw-camellia256.pskcxml', '0e187c656c36975b0d6bded79d7089142209457114ce8e6f4ae78339d71114e8', ASCII_20],
    ['kw-tripledes.pskcxml', '255e0d1c07b646dfb3134cc843ba8aa71f025b7c0838251f', Buffer.from('2923bf85e06dd6ae529149f1f1bae9eab3a7da3d860d3e98', 'hex')],
    ['mac-over-plaintext.pskcxml', RFC_PSK, ASCII_20],
    ['no-mac-key.pskcxml', RFC_PSK, ASCII_20],
  ])('encryption/%s', async (file, psk, secret) => {
    expect(await readSecrets(`encryption/${file}`, { psk })).toEqual([secret]);
    // as an import, each file's bare <Key> (no serial, no Id, no Algorithm) is what is refused, not its encryption
    const error = await expectRefusal(() => importPskc(`encryption/${file}`, { psk }));
    expect(error.reasons).toEqual([{ position: 1, message: expect.stringMatching(/no Algorithm.*no serial number/) }]);
    expect(error.reasons[0].message).not.toMatch(/MAC|decrypt|wrong/);
  });

  it.each([
    ['aes192-cbc.pskcxml', '123456789012345678901234567890123456789012345679'],
    ['camellia128-cbc.pskcxml', '200497e673a6fae2256e9749468a67ad'],
    ['kw-aes128.pskcxml', '000102030405060708090a0b0c0d0e0e'],
    ['kw-camellia128.pskcxml', 'e35b135a09bfff8b314a5a0c32193c38'],
    ['kw-tripledes.pskcxml', '355e0d1c07b646dfb3134cc843ba8aa71f025b7c0838251f'], // not the last byte: DES ignores parity bits
  ])('encryption/%s with a wrong key fails its integrity check', async (file, psk) => {
    await expect(readSecrets(`encryption/${file}`, { psk })).rejects.toThrow(/wrong pre-shared key|MAC key cannot be decrypted/);
  });

  it('encryption/aes128-cbc-noiv: refused, its IV is not in the file so its MAC cannot match', async () => {
    const error = await expectRefusal(() => importPskc('encryption/aes128-cbc-noiv.pskcxml', { psk: RFC_PSK }));
    expect(error.reasons[0].message).toMatch(/does not match its MAC/);
  });
});
