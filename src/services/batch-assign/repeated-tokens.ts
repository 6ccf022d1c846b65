/**
 * Whether a file may name a token on several lines, known without keeping the names: each
 * line's manufacturer code, product code and serial go in as a 63-bit hash (two 32-bit
 * hashes) in an open-addressing table, at most 16 bytes a line. A hash met twice is the
 * same name met twice or, rarely, a collision (about one file in 20 million at a million
 * lines): either way the exact check in SQL runs (validate-staged.ts). None met twice, and
 * no token is named twice: the check, a scan and an aggregate of the whole batch, is skipped.
 */
export interface TokenNameTracker {
  add(manufacturerCode: string, productCode: string, serial: string): void;
  /** True when some name may have been added twice. */
  readonly mayRepeat: boolean;
}

export function trackTokenNames(): TokenNameTracker {
  let capacity = 1 << 12;
  let slots = new Uint32Array(2 * capacity); // [h1, h2 | 1] pairs; h2 0: an empty slot
  let used = 0;
  let mayRepeat = false;

  /** Puts a hash pair in its slot; false when the pair was there already. */
  const place = (table: Uint32Array, mask: number, h1: number, h2: number): boolean => {
    for (let i = h1 & mask; ; i = (i + 1) & mask) {
      if (table[2 * i + 1] === 0) { table[2 * i] = h1; table[2 * i + 1] = h2; return true; }
      if (table[2 * i] === h1 && table[2 * i + 1] === h2) return false;
    }
  };
  const grow = () => {
    const old = slots;
    capacity *= 2;
    slots = new Uint32Array(2 * capacity);
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== 0) place(slots, capacity - 1, old[i], old[i + 1]);
  };

  return {
    add(manufacturerCode, productCode, serial) {
      if (mayRepeat) return;
      const h1 = fnv1a(serial, fnv1a(productCode, fnv1a(manufacturerCode, 0x811c9dc5)));
      const h2 = multiplyXorShift(serial, multiplyXorShift(productCode, multiplyXorShift(manufacturerCode, 0x9747b28c))) | 1;
      if (!place(slots, capacity - 1, h1 >>> 0, h2 >>> 0)) { mayRepeat = true; return; }
      if (++used * 2 > capacity) grow();
    },
    get mayRepeat() { return mayRepeat; },
  };
}

// Two unrelated 32-bit hashes over a field's UTF-16 units and a 0 after it, as the fields
// end (row-checks.ts drops NUL): "AB","C" and "A","BC" differ.

function fnv1a(field: string, h: number): number {
  for (let i = 0; i < field.length; i++) h = Math.imul(h ^ field.charCodeAt(i), 0x01000193);
  return Math.imul(h, 0x01000193);
}

function multiplyXorShift(field: string, h: number): number {
  for (let i = 0; i < field.length; i++) {
    h = Math.imul(h ^ field.charCodeAt(i), 0x5bd1e995);
    h ^= h >>> 13;
  }
  h = Math.imul(h, 0x5bd1e995);
  return h ^ (h >>> 15);
}
