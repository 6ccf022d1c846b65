/** Strict decoders for the text forms seeds travel in: a typo must not become a different seed. */

export function isHex(text: string): boolean {
  return text.length % 2 === 0 && /^[0-9a-fA-F]*$/.test(text);
}

/** Standard base64 with correct padding; whitespace (line breaks in XML) is ignored. Null when invalid. */
export function decodeBase64(text: string): Buffer | null {
  const compact = text.replace(/\s+/g, '');
  const valid = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(compact);
  return valid ? Buffer.from(compact, 'base64') : null;
}
