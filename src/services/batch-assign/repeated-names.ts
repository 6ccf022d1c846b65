/**
 * Whether a file may name a token, or a user, on several lines, known without keeping the
 * names: each line's name (a token's manufacturer code, product code and serial; a user's
 * domain and login name keys) goes in as a 63-bit hash (two 32-bit hashes) in an
 * open-addressing table, at most 16 bytes a line. A hash met twice is the same name met
 * twice or, rarely, a collision (about one file in 20 million at a million lines): either
 * way the exact work in SQL runs. None met twice, and no name repeats: the batch skips the
 * SQL that only repeated names need (validate-staged.ts, write-assignments.ts).
 */
export interface NameTracker {
  /** One line's name, in up to three parts. */
  add(a: string, b: string, c?: string): void;
  /** True when some name may have been added twice. */
  readonly mayRepeat: boolean;
}

export function trackNames(): NameTracker {
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
    add(a, b, c = '') {
      if (mayRepeat) return;
      const h1 = fnv1a(c, fnv1a(b, fnv1a(a, 0x811c9dc5)));
      const h2 = multiplyXorShift(c, multiplyXorShift(b, multiplyXorShift(a, 0x9747b28c))) | 1;
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
