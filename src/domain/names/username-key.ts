/**
 * The form in which two user or domain names are compared: PRECIS UsernameCaseMapped,
 * RFC 8265 section 3.3. Names are stored as given; this key is what is unique, matched
 * and looked up, so "José" (U+00E9), "jose\u0301" (e + combining acute) and "JOSÉ" are one
 * name, as a directory (Active Directory, LDAP) would have them.
 *
 * The rules, in the order RFC 8265 sections 3.3.2 (preparation) and 3.3.3 (enforcement) give:
 * 1. Width Mapping Rule: map fullwidth and halfwidth code points to their decomposition
 *    mappings (UAX #11), so "ＡＢ" compares as "ab".
 * 2. Case Mapping Rule: map uppercase and titlecase code points to their lowercase
 *    equivalents with Unicode toLowerCase(). Code point by code point: the PRECIS rules
 *    "do not account for the special status of" final sigma (RFC 8265 section 3.5, examples
 *    5 to 7), so "Σ" is "σ" wherever it stands, which a whole-string toLowerCase() would not do.
 * 3. Normalization Rule: Unicode Normalization Form C.
 * Comparison (section 3.3.4) is then octet for octet, i.e. equality of the keys.
 *
 * Not applied, on purpose: the IdentifierClass check of preparation and the Bidi Rule
 * refuse names; existing names are kept as given, so the key only decides sameness.
 * Computed here, never with PostgreSQL's lower(), whose result depends on the database's
 * collation and locale.
 */
export function usernameKey(name: string): string {
  // Printable ASCII (nearly every real name): only the case mapping can change anything.
  if (PRINTABLE_ASCII.test(name)) return name.toLowerCase();
  const widthMapped = name.replace(WIDE_OR_NARROW, (c) => c.normalize('NFKC'));
  return lowerEachCodePoint(widthMapped).normalize('NFC');
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Code points whose Unicode decomposition type is <wide> or <narrow>: IDEOGRAPHIC SPACE
 * and the Halfwidth and Fullwidth Forms block. Their NFKC form is that decomposition
 * (the block holds no other kind of compatibility mapping).
 */
const WIDE_OR_NARROW = /[\u3000\uFF01-\uFFEE]/g;

function lowerEachCodePoint(text: string): string {
  // Only GREEK CAPITAL LETTER SIGMA lowers differently in context (final sigma); without
  // it the whole-string mapping is the same and cheaper.
  if (!text.includes('\u03A3')) return text.toLowerCase();
  let out = '';
  for (const c of text) out += c.toLowerCase();
  return out;
}
