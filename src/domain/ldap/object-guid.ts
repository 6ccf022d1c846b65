/**
 * Active Directory's objectGUID is 16 bytes in the GUID's in-memory order (MS-DTYP §2.3.4:
 * Data1, Data2, Data3 little-endian, Data4 as is). Its canonical string reverses the first
 * three groups: bytes C9 8B 91 35 6D 19 EA 40 97 79 … read "35918bc9-196d-40ea-9779-…".
 */
export function objectGuidToString(bytes: Buffer): string {
  if (bytes.length !== 16) throw new Error('objectGUID must be 16 bytes');
  const hex = (from: number, to: number, reverse: boolean) => {
    const part = Buffer.from(bytes.subarray(from, to));
    return (reverse ? part.reverse() : part).toString('hex');
  };
  return `${hex(0, 4, true)}-${hex(4, 6, true)}-${hex(6, 8, true)}-${hex(8, 10, false)}-${hex(10, 16, false)}`;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The inverse of objectGuidToString: the bytes to search for with `(objectGUID=\c9\8b…)`. */
export function objectGuidFromString(guid: string): Buffer {
  if (!GUID.test(guid)) throw new Error('not a GUID string');
  const h = guid.replace(/-/g, '');
  const bytes = Buffer.from(h, 'hex');
  bytes.subarray(0, 4).reverse();
  bytes.subarray(4, 6).reverse();
  bytes.subarray(6, 8).reverse();
  return bytes;
}
