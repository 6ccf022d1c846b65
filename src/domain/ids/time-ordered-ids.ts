import { randomBytes } from 'node:crypto';

/**
 * UUIDs of version 7 (RFC 9562 §5.7), made in increasing order: a 48-bit Unix time in
 * milliseconds, then 74 random bits that also count (§6.2 Method 2, "monotonic random":
 * seeded at random on each new millisecond, incremented by one for each further id in it,
 * the time moved on by a millisecond if they run out).
 *
 * Why: rows made in bulk (a batch's new users) get ids that follow each other, so each
 * index on an id appends at its right edge instead of landing on a random page: for 100k
 * new users, creating them took 0.93 s instead of 1.39–1.55 s, and assigning their tokens
 * 2.0–2.4 s instead of 2.3–2.9 s (the two statements alone, alternated, one PostgreSQL).
 * What they give away: ids made in the same millisecond are consecutive (one of a batch's
 * users' ids tells its neighbours'), and each tells when its row was made, as createdAt
 * does anyway. User ids are names, not credentials: nothing is granted by knowing one.
 */
export interface IdSource {
  /** The next id as its 16 bytes, written into `out` at `offset` (COPY BINARY takes them as they are). */
  into(out: Buffer, offset: number): void;
}

export interface IdSourceOptions {
  /** Milliseconds since the epoch; Date.now unless a test brings its own. */
  now?: () => number;
  /** `n` random bytes; node's CSPRNG unless a test brings its own. */
  random?: (n: number) => Buffer;
}

export function timeOrderedIds(options: IdSourceOptions = {}): IdSource {
  const now = options.now ?? Date.now;
  const random = options.random ?? randomBytes;
  let ms = -1;
  // The 74 counting bits: randA (12, after the version), hi (30, after the variant), lo (32).
  let randA = 0;
  let hi = 0;
  let lo = 0;
  const seed = () => {
    const r = random(10);
    randA = r.readUInt16BE(0) & 0xfff;
    hi = r.readUInt32BE(2) & 0x3fffffff;
    lo = r.readUInt32BE(6);
  };
  const advance = () => {
    const t = now();
    if (t > ms) {
      ms = t;
      seed();
    } else if (++lo > 0xffffffff) {
      lo = 0;
      if (++hi > 0x3fffffff) {
        hi = 0;
        if (++randA > 0xfff) { ms += 1; seed(); }
      }
    }
  };
  return {
    into(out: Buffer, offset: number) {
      advance();
      out.writeUIntBE(ms, offset, 6);
      out.writeUInt16BE(0x7000 | randA, offset + 6);
      out.writeUInt32BE((0x80000000 | hi) >>> 0, offset + 8); // variant 10, then hi
      out.writeUInt32BE(lo, offset + 12);
    },
  };
}
