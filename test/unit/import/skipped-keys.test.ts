import { ImportFileError, SkippedKeys } from '../../../src/domain/import';

describe('SkippedKeys (the non-OTP keys a refused file held)', () => {
  it('counts every key of a kind, however many there are', () => {
    const skipped = new SkippedKeys();
    for (let i = 0; i < 150; i++) skipped.add('ocra-1');
    skipped.add('pin');
    skipped.add('pin');
    expect(ImportFileError.ofNoTokens(skipped).message).toBe('the file holds no HOTP or TOTP key to import (only 150 ocra-1 keys and 2 pin keys)');
  });

  it('names the first ten kinds and counts the rest as other: the kinds come from the file', () => {
    const skipped = new SkippedKeys();
    const long = `x${'y'.repeat(40)}`; // cut to 30 characters, and still one kind
    for (let k = 0; k < 9; k++) skipped.add(`kind${k}`);
    skipped.add(long);
    skipped.add('kind10');
    skipped.add('kind11');
    skipped.add(long);
    expect(skipped.total).toBe(13);
    expect(skipped.describe()).toBe(
      `${Array.from({ length: 9 }, (_, k) => `1 kind${k} key`).join(' and ')} and 2 ${long.slice(0, 30)} keys and 2 other keys`);
  });

  it('with no key at all the file simply holds no tokens', () => {
    expect(ImportFileError.ofNoTokens(new SkippedKeys()).message).toBe('the file holds no tokens');
  });
});
