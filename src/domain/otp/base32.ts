/**
 * RFC 4648 base32, as authenticator apps expect it. otplib's base32 plugin wraps the
 * ESM-only @scure/base, which jest cannot load on Node 20, so the few lines live here.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const VALUES = new Map([...ALPHABET].map((char, value) => [char, value]));

/** Upper case, no padding (the Key Uri Format omits it). */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** Accepts lower case, spaces and trailing '=' padding, as people type and paste seeds. */
export function base32Decode(text: string): Buffer {
  const cleaned = text.replace(/\s+/g, '').replace(/=+$/, '').toUpperCase();
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of cleaned) {
    const value = VALUES.get(char);
    if (value === undefined) throw new Error('invalid base32 text: unexpected character');
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((buffer >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}
