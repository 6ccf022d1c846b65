import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkRow, CsvHeaderError, PIN_PATTERN, readHeader } from '../../../src/services/batch-assign/row-checks';

const header = ['domain', 'loginName', 'manufacturerCode', 'productCode', 'serial', 'status', 'pin'];
const layout = readHeader(header);
const good = ['test domain', 'john.smith', 'DN', 'MT', '10000', 'ACTIVE', '1234'];
const row = (fields: string[]) => checkRow({ line: 7, fields }, layout);

describe('readHeader', () => {
  it('accepts the columns in any order, status and pin optional', () => {
    expect(readHeader(['serial', 'domain', 'productCode', 'loginName', 'manufacturerCode'])).toEqual({
      index: { serial: 0, domain: 1, productCode: 2, loginName: 3, manufacturerCode: 4 }, width: 5,
    });
  });

  it.each([
    [['domain', 'loginname', 'manufacturerCode', 'productCode', 'serial'], 'unknown column "loginname"; the columns are domain, loginName, manufacturerCode, productCode, serial, status, pin (case-sensitive)'],
    [['domain', 'loginName', 'serial'], 'the header lacks manufacturerCode, productCode; required: domain, loginName, manufacturerCode, productCode, serial (case-sensitive)'],
    [[...header, 'pin'], 'the column "pin" appears twice'],
  ])('refuses %j', (fields, message) => {
    expect(() => readHeader(fields)).toThrow(new CsvHeaderError(message));
  });
});

describe('checkRow', () => {
  it('passes a good row, upper-casing the status', () => {
    expect(row([...good.slice(0, 5), 'disabled', '1234'])).toEqual({
      line: 7, domain: 'test domain', loginName: 'john.smith', manufacturerCode: 'DN', productCode: 'MT', serial: '10000',
      status: 'DISABLED', pin: '1234', errorName: null, errorMessage: null,
    });
  });

  it('reads empty optional fields as absent', () => {
    expect(row([...good.slice(0, 5), '', ''])).toMatchObject({ status: null, pin: null, errorName: null });
  });

  it.each([
    ['too few fields', good.slice(0, 6), 'CSV_INVALID', 'expected 7 fields as in the header, found 6'],
    ['too many fields', [...good, 'x'], 'CSV_INVALID', 'expected 7 fields as in the header, found 8'],
    ['an empty serial', [...good.slice(0, 4), '', 'ACTIVE', '1234'], 'CSV_INVALID', 'serial is empty'],
    ['a long loginName', ['d', 'x'.repeat(201), 'DN', 'MT', '1', '', ''], 'CSV_INVALID', 'loginName is longer than 200 characters'],
    ['a NUL character', ['d\0', 'u', 'DN', 'MT', '1', '', ''], 'CSV_INVALID', 'a field contains a NUL character'],
    ['a bad status', [...good.slice(0, 5), 'LOCKED', '1234'], 'CSV_INVALID', 'status must be ACTIVE or DISABLED'],
    ['a short PIN', [...good.slice(0, 6), '123'], 'TOKEN_PIN_INVALID', 'the PIN must be 4 to 32 printable ASCII characters without spaces'],
    ['a PIN with a space', [...good.slice(0, 6), '12 34'], 'TOKEN_PIN_INVALID', 'the PIN must be 4 to 32 printable ASCII characters without spaces'],
  ])('when %s then %s', (_what, fields, errorName, errorMessage) => {
    const checked = row(fields);
    expect(checked).toMatchObject({ errorName, errorMessage, pin: null });
    expect(checked.domain).not.toContain('\0');
  });

  it('uses the PIN rule of schemas/common.json', () => {
    const common = JSON.parse(readFileSync(join(__dirname, '../../../schemas/common.json'), 'utf8'));
    expect(PIN_PATTERN.source).toBe(new RegExp(common.definitions.pin.pattern).source);
  });
});
