/**
 * HOTP counters are 64-bit (RFC 4226): every import format reads them as bigint without
 * losing a digit, stores up to 2^63 - 1 (tokens.counter is a signed bigint) and refuses
 * anything larger with the reason.
 */
import { readImportFile } from '../../support/import-reader';
import { expectRefusal } from './expect-refusal';

const SEED_HEX = Buffer.from('12345678901234567890').toString('hex');
const STORED_LIMIT_REASON = /counter is 2\^63 or more: tokengate stores HOTP counters up to 2\^63 - 1/;

describe('OATH CSV: 64-bit counters', () => {
  const csv = (...counters: string[]) => counters.map((c, i) => `C${i + 1},${SEED_HEX},HOTP,6,${c}`).join('\n');

  it('keeps every digit of counters beyond 2^53, up to 2^63 - 1', async () => {
    const tokens = (await readImportFile(csv('9007199254740993', '12345678901234567', '9223372036854775807'), { format: 'oath-csv' })).tokens;
    expect(tokens.map((t) => t.counter)).toEqual([9007199254740993n, 12345678901234567n, 9223372036854775807n]);
  });

  it('refuses a 20-digit counter (≥ 2^63) with the storage limit as the reason, and one beyond 2^64 as no counter', async () => {
    const error = await expectRefusal(() => readImportFile(csv('1', '18446744073709551615', '9223372036854775808', '18446744073709551616'), {}));
    expect(error.reasons).toEqual([
      { position: 2, serial: 'C2', message: expect.stringMatching(STORED_LIMIT_REASON) },
      { position: 3, serial: 'C3', message: expect.stringMatching(STORED_LIMIT_REASON) },
      { position: 4, serial: 'C4', message: 'the counter (5th field) must be a whole number below 2^64' },
    ]);
  });
});

describe('DualShield XML: 64-bit counters', () => {
  const xml = (counter: string) =>
    `<data><tokens><token><serial>X1</serial><seed>${SEED_HEX}</seed><counter>${counter}</counter></token></tokens></data>`;

  it('keeps every digit of a counter beyond 2^53', async () => {
    expect((await readImportFile(xml('33134002894009587'), {})).tokens[0].counter).toBe(33134002894009587n);
  });

  it('refuses a counter of 2^63 or more with the reason', async () => {
    expect((await expectRefusal(() => readImportFile(xml('9223372036854775808'), {}))).reasons)
      .toEqual([{ position: 1, serial: 'X1', message: expect.stringMatching(STORED_LIMIT_REASON) }]);
  });
});

describe('PSKC: 64-bit counters', () => {
  const pskc = (counterValue: string) => `<KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc">
    <KeyPackage><DeviceInfo><SerialNo>P1</SerialNo></DeviceInfo>
      <Key Id="P1" Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:hotp"><Data>
        <Secret><PlainValue>${Buffer.from(SEED_HEX, 'hex').toString('base64')}</PlainValue></Secret>
        <Counter><PlainValue>${counterValue}</PlainValue></Counter>
      </Data></Key></KeyPackage></KeyContainer>`;
  const bigEndian = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

  it('reads decimal and 8-byte big-endian counters exactly', async () => {
    expect((await readImportFile(pskc('9007199254740993'), {})).tokens[0].counter).toBe(9007199254740993n);
    expect((await readImportFile(pskc(bigEndian('7fffffffffffffff')), {})).tokens[0].counter).toBe(2n ** 63n - 1n);
  });

  it.each([
    ['2^64 - 1 as big-endian bytes', bigEndian('ffffffffffffffff'), STORED_LIMIT_REASON],
    ['2^63 as decimal', '9223372036854775808', STORED_LIMIT_REASON],
    ['beyond 2^64 as decimal', '18446744073709551616', /counter is larger than 2\^64 - 1/],
    ['nine bytes', bigEndian('010000000000000000'), /counter is not a whole number of at most 64 bits/],
  ])('refuses %s with the reason', async (_what, value, reason) => {
    expect((await expectRefusal(() => readImportFile(pskc(value), {}))).reasons)
      .toEqual([{ position: 1, serial: 'P1', message: expect.stringMatching(reason) }]);
  });
});
