import { usernameKey } from '../../../src/domain/names/username-key';

/**
 * Expected values from outside this code: RFC 8265 section 3.5 (Table 1 and the notes
 * under it), and the UsernameCaseMapped cases of golang.org/x/text/secure/precis
 * (enforce_test.go) that map rather than refuse (this key never refuses a name).
 */
describe('usernameKey (PRECIS UsernameCaseMapped, RFC 8265)', () => {
  it.each([
    ['juliet@example.com', 'juliet@example.com'],
    ['fussball', 'fussball'],
    ['fu\u00DFball', 'fu\u00DFball'], // eszett is not "ss": RFC 8265 examples 2 and 3 differ
    ['\u03C0', '\u03C0'],
    ['\u03A3', '\u03C3'], // examples 5 and 6 match …
    ['\u03C3', '\u03C3'],
    ['\u03C2', '\u03C2'], // … and 7 (final sigma) matches neither
    ['\u0049', '\u0069'],
    ['\u212B', '\u00E5'], // ANGSTROM SIGN, NFC → å
    ['A\u030A', '\u00E5'],
    ['\u00C5', '\u00E5'],
    ['\u00E7', '\u00E7'],
    ['\u0063\u0327', '\u00E7'],
    ['\u0158', '\u0159'],
    ['\u0052\u030C', '\u0159'],
    ['\u1E61', '\u1E61'],
    ['\u0410', '\u0430'], // confusables are not mapped: Cyrillic а stays Cyrillic
    ['\uFF21\uFF22', 'ab'], // fullwidth → decomposition, then lower case
  ])('%j → %j', (input, expected) => {
    expect(usernameKey(input)).toBe(expected);
  });

  it('when "José" is typed composed, decomposed or in capitals then the key is one', () => {
    const keys = ['Jos\u00E9', 'jose\u0301', 'JOS\u00C9', 'JOSE\u0301'].map(usernameKey);
    expect(new Set(keys)).toEqual(new Set(['jos\u00E9']));
  });

  it('when a capital sigma ends a word then it still maps to σ, not to final ς (no context rule)', () => {
    expect(usernameKey('\u039F\u0394\u039F\u03A3')).toBe('\u03BF\u03B4\u03BF\u03C3');
    expect(usernameKey('\u039F\u0394\u039F\u03A3')).not.toBe('\u039F\u0394\u039F\u03A3'.toLowerCase());
  });

  it('when halfwidth katakana or the ideographic space appear then they map to their decompositions', () => {
    expect(usernameKey('\uFF76\uFF9E')).toBe('\u30AC'); // ｶﾞ → カ + voiced mark → NFC ガ
    expect(usernameKey('a\u3000b')).toBe('a b');
  });

  it('when a name is plain ASCII then only case changes, and spaces and symbols stay', () => {
    expect(usernameKey('Alice Smith+Ops')).toBe('alice smith+ops');
  });
});
