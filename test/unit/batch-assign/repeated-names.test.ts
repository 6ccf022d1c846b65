import { trackNames } from '../../../src/services/batch-assign/repeated-names';

const serials = (n: number, prefix = 'S') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('trackNames', () => {
  it('when no name repeats among 20,000 (the table grows many times) then no repeat is possible', () => {
    const names = trackNames();
    for (const serial of serials(20_000)) names.add('OATH', 'HOTP', serial);
    expect(names.mayRepeat).toBe(false);
  });

  it('when the first name comes again after 20,000 others then a repeat is possible', () => {
    const names = trackNames();
    for (const serial of serials(20_000)) names.add('OATH', 'HOTP', serial);
    names.add('OATH', 'HOTP', 'S0');
    expect(names.mayRepeat).toBe(true);
  });

  it.each([
    ['the same serial of another product', ['OATH', 'TOTP', 'S1']],
    ['the same letters split between other fields', ['OAT', 'HHOTP', 'S1']],
    ['a serial differing in case', ['OATH', 'HOTP', 's1']],
    ['a serial differing in a non-ASCII letter', ['OATH', 'HOTP', 'S1é']],
  ])('when a line names %s then it is another name', (_case, other) => {
    const names = trackNames();
    names.add('OATH', 'HOTP', 'S1');
    names.add('OATH', 'HOTP', 'S1e');
    names.add(other[0]!, other[1]!, other[2]!);
    expect(names.mayRepeat).toBe(false);
  });
});
