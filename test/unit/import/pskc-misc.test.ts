/** misc/: namespaces, integer encodings, partial and odd key descriptions; and format detection. */
import { detectImportFormat } from '../../../src/domain/import';
import { readImportFile } from '../../support/import-reader';
import { expectRefusal } from './expect-refusal';
import { corpusFile, corpusFiles, RFC_PSK } from './pskc-corpus';
import { readCounters } from './read-pskc-secrets';

const importPskc = async (file: string, keys: { psk?: string; passphrase?: string } = {}) =>
  (await readImportFile(corpusFile(file), keys)).tokens;

describe('PSKC import: misc files', () => {
  it('odd-namespace: any prefix is accepted (foo:KeyContainer)', async () => {
    expect(await importPskc('misc/odd-namespace.pskcxml')).toEqual([{
      position: 1, serial: '12345678', secret: Buffer.from('1234'), type: 'HOTP', algorithm: 'SHA1',
      digits: 6, counter: 0n, period: 0, issuer: 'Issuer-A',
    }]);
  });

  it('SampleFullyQualifiedNS: xenc11 PBKDF2 parameters; the TOTP key is imported, the OCRA key skipped', async () => {
    // the TimeInterval really is 172800 s (two days) in the file
    expect(await importPskc('misc/SampleFullyQualifiedNS.xml', { passphrase: '3FCA3158035072D6' })).toEqual([{
      position: 1, serial: 'XXXX0000001F', type: 'TOTP', algorithm: 'SHA256', digits: 6, counter: 0n, period: 172800,
      secret: Buffer.from('09fbecfd0bf47910839e2eb05ffa10b95cd0390950ce32ab790583ed134171e0', 'hex'),
      issuer: 'Company', manufacturer: 'Company', model: 'Token',
    }]);
  });

  it('integers: counters as decimal, base64 ASCII, base64 big-endian, encrypted ASCII and encrypted big-endian', async () => {
    expect(await readCounters('misc/integers.pskcxml', { psk: RFC_PSK })).toEqual([831791n, 709791n, 405834n, 298507n, 961392n]);
  });

  it('integers: refused as an import, its keys hold only counters', async () => {
    const error = await expectRefusal(() => importPskc('misc/integers.pskcxml', { psk: RFC_PSK }));
    expect(error.reasons.map((reason) => reason.position)).toEqual([1, 2, 3, 4, 5]);
    for (const reason of error.reasons) expect(reason.message).toMatch(/no Algorithm.*holds no seed.*no serial number/);
  });

  it('checkdigits: refused, listing all four keys (no algorithm, no serial; the fourth is alphanumeric)', async () => {
    const error = await expectRefusal(() => importPskc('misc/checkdigits.pskcxml'));
    expect(error.reasons.map((reason) => reason.position)).toEqual([1, 2, 3, 4]);
    expect(error.reasons[3].message).toMatch(/response encoding "ALPHANUMERIC" is not supported/);
  });

  it('partialxml: refused, listing the five empty keys (the empty KeyPackage has no key)', async () => {
    const error = await expectRefusal(() => importPskc('misc/partialxml.pskcxml'));
    expect(error.reasons.map((reason) => reason.position)).toEqual([1, 2, 3, 4, 5]);
  });

  it('policy: refused, the four HOTP keys have neither serial nor Id (the PIN key is skipped)', async () => {
    const error = await expectRefusal(() => importPskc('misc/policy.pskcxml'));
    expect(error.reasons).toEqual([1, 2, 3, 4].map((position) => ({ position, message: 'no serial number' })));
  });
});

describe('detectImportFormat on the corpus', () => {
  const everyFile = ['actividentity', 'encryption', 'feitian', 'misc', 'multiotp', 'nagraid', 'rfc6030', 'invalid']
    .flatMap((folder) => corpusFiles(folder));
  const notPskc = ['invalid/notxml.pskcxml', 'invalid/wrongelement.pskcxml'];

  it.each(everyFile.filter((file) => !notPskc.includes(file)))('%s is PSKC', (file) => {
    expect(detectImportFormat(corpusFile(file))).toBe('pskc');
  });

  it.each(notPskc)('%s is not recognised, and importing it says so', async (file) => {
    expect(detectImportFormat(corpusFile(file))).toBe(null);
    expect((await expectRefusal(() => readImportFile(corpusFile(file), {}))).reasons)
      .toEqual([{ position: null, message: expect.stringMatching(/not recognised/) }]);
  });
});
