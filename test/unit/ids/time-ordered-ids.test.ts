import { IdSource, IdSourceOptions, timeOrderedIds } from '../../../src/domain/ids/time-ordered-ids';

/** The next id of a source read in its 8-4-4-4-12 form, as PostgreSQL prints a uuid. */
const textIds = (options?: IdSourceOptions) => {
  const source: IdSource = timeOrderedIds(options);
  const next = () => {
    const bytes = Buffer.alloc(16);
    source.into(bytes, 0);
    return bytes.toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
  };
  return Object.assign(next, { into: (out: Buffer, offset: number) => source.into(out, offset) });
};

/** Random bytes that lay out as RFC 9562 Appendix A.6's rand_a 0xCC3 and rand_b 0x18C4DC0C0C07398F. */
const RFC_RANDOM = Buffer.from('0cc318c4dc0c0c07398f', 'hex');

describe('timeOrderedIds (UUIDv7, RFC 9562)', () => {
  it('when given the RFC example\'s time and random bits then it makes the RFC example\'s UUID', () => {
    const next = textIds({ now: () => 0x017f22e279b0, random: () => RFC_RANDOM });
    expect(next()).toBe('017f22e2-79b0-7cc3-98c4-dc0c0c07398f'); // RFC 9562 Appendix A.6
  });

  it('when ids are written as bytes then they are the same ids, in their 16 bytes', () => {
    const next = textIds({ now: () => 0x017f22e279b0, random: () => RFC_RANDOM });
    const out = Buffer.alloc(18);
    next.into(out, 1);
    const second = next();
    next.into(out.fill(0), 1);
    expect(out.toString('hex')).toBe(`00${'017f22e2-79b0-7cc3-98c4-dc0c0c073991'.replaceAll('-', '')}00`);
    expect(second).toBe('017f22e2-79b0-7cc3-98c4-dc0c0c073990');
  });

  it('when several ids are made in one millisecond then each is the one before plus one', () => {
    const next = textIds({ now: () => 0x017f22e279b0, random: () => RFC_RANDOM });
    expect([next(), next(), next()]).toEqual([
      '017f22e2-79b0-7cc3-98c4-dc0c0c07398f', '017f22e2-79b0-7cc3-98c4-dc0c0c073990', '017f22e2-79b0-7cc3-98c4-dc0c0c073991',
    ]);
  });

  it('when the counting bits run out then the time moves on a millisecond, and the order holds', () => {
    const next = textIds({ now: () => 1000, random: () => Buffer.from('0fffbfffffffffffffff', 'hex') });
    const [last, after] = [next(), next()];
    expect(last).toBe('00000000-03e8-7fff-bfff-ffffffffffff');
    expect(after).toBe('00000000-03e9-7fff-bfff-ffffffffffff'); // reseeded (the same bytes here) at 1001 ms
    expect(after > last).toBe(true);
  });

  it('when the clock goes back then the ids still increase', () => {
    const times = [5000, 4000, 4000];
    const next = textIds({ now: () => times.shift()!, random: () => RFC_RANDOM });
    const ids = [next(), next(), next()];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(3);
  });

  it('when ids are made for real then they sort in the order made, with version 7 and variant 10', () => {
    const next = textIds();
    const ids = Array.from({ length: 20_000 }, () => next());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const ms = parseInt(ids[0]!.replace('-', '').slice(0, 12), 16);
    expect(Math.abs(ms - Date.now())).toBeLessThan(60_000);
  });
});
