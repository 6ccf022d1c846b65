import { base32Encode } from '../../../src/domain/otp';
import { detectImportFormat } from '../../../src/domain/import';
import { readImportFile } from '../../support/import-reader';
import { expectRefusal } from './expect-refusal';

const SEED = Buffer.from('12345678901234567890');
const importXml = async (text: string) => (await readImportFile(text, {})).tokens;
const file = (header: string, tokens: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<data>\n  <header>${header}</header>\n  <tokens>\n${tokens}\n  </tokens>\n</data>\n`;

describe('DualShield XML import', () => {
  it('reads the documented example: header defaults applied to each token', async () => {
    const text = file(
      '<manufacturer>DN</manufacturer><product>ST</product><type>TOTP</type><algorithm>SHA1</algorithm><digits>6</digits><period>30</period><encoding>hex</encoding>',
      `<token><serial>10000001</serial><seed>${SEED.toString('hex')}</seed><counter>0</counter></token>
       <token><serial>10000002</serial><seed>${SEED.toString('hex').toUpperCase()}</seed></token>`,
    );
    const result = await readImportFile(text, {});
    expect(result.format).toBe('dualshield-xml');
    expect(result.tokens).toEqual([1, 2].map((position) => ({
      position, serial: `1000000${position}`, secret: SEED, type: 'TOTP', algorithm: 'SHA1', digits: 6,
      counter: 0n, period: 30, manufacturer: 'DN', model: 'ST',
    })));
  });

  it('lets a token override the header, and defaults to HOTP when there is no period anywhere', async () => {
    const text = file(
      '<digits>8</digits><encoding>base32</encoding>',
      `<token><serial>A</serial><seed>${base32Encode(SEED).toLowerCase()}</seed><counter>7</counter></token>
       <token><serial>B</serial><seed>${base32Encode(SEED)}</seed><period>60</period><algorithm>sha256</algorithm></token>
       <token><serial>C</serial><seed>${SEED.toString('base64')}</seed><encoding>base64</encoding><type>totp</type><digits>6</digits></token>`,
    );
    expect(await importXml(text)).toEqual([
      { position: 1, serial: 'A', secret: SEED, type: 'HOTP', algorithm: 'SHA1', digits: 8, counter: 7n, period: 0 },
      { position: 2, serial: 'B', secret: SEED, type: 'TOTP', algorithm: 'SHA256', digits: 8, counter: 0n, period: 60 },
      { position: 3, serial: 'C', secret: SEED, type: 'TOTP', algorithm: 'SHA1', digits: 6, counter: 0n, period: 30 },
    ]);
  });

  it('works without a header', async () => {
    expect(await importXml(`<data><tokens><token><serial>Z</serial><seed>${SEED.toString('hex')}</seed></token></tokens></data>`))
      .toEqual([{ position: 1, serial: 'Z', secret: SEED, type: 'HOTP', algorithm: 'SHA1', digits: 6, counter: 0n, period: 0 }]);
  });

  it('lists every bad token with its position and serial, never the seed', async () => {
    const hex = SEED.toString('hex');
    const text = file('<type>HOTP</type>', [
      `<token><serial>OK</serial><seed>${hex}</seed></token>`,
      `<token><serial>NOSEED</serial></token>`,
      `<token><serial>BADHEX</serial><seed>${hex}xyz</seed></token>`,
      `<token><serial>BADTYPE</serial><seed>${hex}</seed><type>OCRA</type></token>`,
      `<token><serial>BADNUM</serial><seed>${hex}</seed><digits>6.5</digits><counter>-1</counter></token>`,
      `<token><seed>${hex}</seed></token>`,
      `<token><serial>BADENC</serial><seed>${hex}</seed><encoding>rot13</encoding></token>`,
      `<token><serial>OK</serial><seed>${hex}</seed></token>`,
    ].join('\n'));
    const error = await expectRefusal(() => importXml(text));
    expect(error.reasons).toEqual([
      { position: 2, serial: 'NOSEED', message: 'no <seed>' },
      { position: 3, serial: 'BADHEX', message: '<seed> is not an even number of hexadecimal digits (encoding hex)' },
      { position: 4, serial: 'BADTYPE', message: '<type> must be HOTP or TOTP' },
      { position: 5, serial: 'BADNUM', message: '<digits> must be a whole number; <counter> must be a whole number below 2^64' },
      { position: 6, message: 'no serial number' },
      { position: 7, serial: 'BADENC', message: '<encoding> must be hex, base32 or base64' },
      { position: 8, serial: 'OK', message: 'serial OK is already used by entry 1 of this file' },
    ]);
    expect(JSON.stringify(error.reasons)).not.toContain(hex);
  });

  it('refuses a file that is not well-formed, or has no tokens', async () => {
    expect((await expectRefusal(() => readImportFile('<data><tokens><token></tokens></data>', { format: 'dualshield-xml' }))).reasons)
      .toEqual([{ position: null, message: expect.stringMatching(/not well-formed XML/) }]);
    expect((await expectRefusal(() => importXml('<data><header/><tokens/></data>'))).reasons)
      .toEqual([{ position: null, message: 'the file holds no <token> elements' }]);
    expect((await expectRefusal(() => readImportFile('<data><rows/></data>', { format: 'dualshield-xml' }))).reasons)
      .toEqual([{ position: null, message: 'not a DualShield XML file: expected a <data> root holding <tokens>' }]);
  });

  it('refuses a DOCTYPE (no entity expansion)', async () => {
    const bomb = '<?xml version="1.0"?><!DOCTYPE data [<!ENTITY a "aaaa">]><data><tokens><token><serial>&a;</serial></token></tokens></data>';
    expect((await expectRefusal(() => readImportFile(bomb, { format: 'dualshield-xml' }))).reasons[0].message).toMatch(/DOCTYPE/);
  });
});

describe('detectImportFormat for XML', () => {
  it('recognises <data> holding <tokens>, after a declaration and comments', () => {
    expect(detectImportFormat('\uFEFF<?xml version="1.0"?>\n<!-- seeds -->\n<data><header/><tokens/></data>')).toBe('dualshield-xml');
  });

  it('does not take other XML for a seed file', () => {
    expect(detectImportFormat('<data><rows/></data>')).toBe(null);
    expect(detectImportFormat('<html><body>a,b,c,d</body></html>')).toBe(null);
  });

  it('recognises a KeyContainer under any prefix as PSKC', () => {
    expect(detectImportFormat('<p:KeyContainer xmlns:p="urn:ietf:params:xml:ns:keyprov:pskc" Version="1.0"/>')).toBe('pskc');
  });
});
