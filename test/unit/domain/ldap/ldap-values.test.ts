import { escapeFilterValue, likeFilter, equalityFilter } from '../../../../src/domain/ldap/filter-escape';
import { objectGuidFromString, objectGuidToString } from '../../../../src/domain/ldap/object-guid';

describe('RFC 4515 filter values', () => {
  it('when a value holds the specials then they are escaped as RFC 4515 §4 shows', () => {
    // RFC 4515 §4 examples: (o=Parens R Us \28for all your parenthetical needs\29), (cn=*\2A*), (filename=C:\5cMyFile), (sn=Lu\c4\8di\c4\87)
    expect(escapeFilterValue('Parens R Us (for all your parenthetical needs)')).toBe('Parens R Us \\28for all your parenthetical needs\\29');
    expect(escapeFilterValue('*')).toBe('\\2a');
    expect(escapeFilterValue('C:\\MyFile')).toBe('C:\\5cMyFile');
    expect(escapeFilterValue('Lučić')).toBe('Lu\\c4\\8di\\c4\\87');
    expect(escapeFilterValue(Buffer.from([0x00, 0x00, 0x00, 0x04]))).toBe('\\00\\00\\00\\04');
  });

  it('when hostile names are put in a filter then they stay one assertion value', () => {
    expect(equalityFilter('uid', 'alice)(uid=*')).toBe('(uid=alice\\29\\28uid=\\2a)');
    expect(equalityFilter('uid', '\\00')).toBe('(uid=\\5c00)');
    expect(equalityFilter('uid', '\udcff')).toBe('(uid=\\ef\\bf\\bd)');
    expect(likeFilter('uid', 'a*b%')).toBe('(uid=a\\2ab*)');
    expect(likeFilter('uid', '%')).toBe('(uid=*)');
  });
});

describe('objectGUID', () => {
  // Microsoft's documented example (System.Guid.ToByteArray, learn.microsoft.com):
  // Guid 35918bc9-196d-40ea-9779-889d79b753f0 → bytes C9 8B 91 35 6D 19 EA 40 97 79 88 9D 79 B7 53 F0
  const bytes = Buffer.from('C98B91356D19EA409779889D79B753F0', 'hex');

  it('when Microsoft\'s example bytes are read then the canonical string is the documented GUID', () => {
    expect(objectGuidToString(bytes)).toBe('35918bc9-196d-40ea-9779-889d79b753f0');
  });

  it('when the string is turned back then the bytes are the directory\'s', () => {
    expect(objectGuidFromString('35918BC9-196D-40EA-9779-889D79B753F0')).toEqual(bytes);
    expect(() => objectGuidFromString('not-a-guid')).toThrow();
  });
});
