/**
 * RFC 4515 §3: an assertion value in a string filter. Every byte outside printable ASCII,
 * and the four specials `*`, `(`, `)`, `\`, is written as `\XX` (the hex of its UTF-8
 * byte), so no value a client sends can close the filter or add a wildcard. Lone
 * surrogates (a JSON string may hold one) become U+FFFD through the UTF-8 encoding.
 */
export function escapeFilterValue(value: string | Buffer): string {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  let out = '';
  for (const b of bytes) {
    const special = b === 0x2a || b === 0x28 || b === 0x29 || b === 0x5c;
    out += special || b < 0x20 || b > 0x7e ? `\\${b.toString(16).padStart(2, '0')}` : String.fromCharCode(b);
  }
  return out;
}

/** `(attr=value)` with the value escaped. `attr` comes from the domain's settings, never from a client. */
export function equalityFilter(attribute: string, value: string | Buffer): string {
  return `(${attribute}=${escapeFilterValue(value)})`;
}

/**
 * A `like` pattern (`%` any run of characters) as an RFC 4515 substring filter: the parts
 * between the `%` are escaped, the `%` become `*`. A pattern of only `%` is a presence filter.
 */
export function likeFilter(attribute: string, pattern: string): string {
  const parts = pattern.split('%');
  if (parts.every((p) => p === '')) return `(${attribute}=*)`;
  return `(${attribute}=${parts.map(escapeFilterValue).join('*')})`;
}

/** `(&(a)(b)…)` of the non-empty filters; one filter stays as it is. */
export function andFilter(...filters: string[]): string {
  const present = filters.filter((f) => f !== '');
  if (present.length === 0) return '';
  return present.length === 1 ? present[0] : `(&${present.join('')})`;
}
