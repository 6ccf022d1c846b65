import { findTooDeep, parseJsonText } from '../../../src/gateway/json-limits';
import { AppError } from '../../../src/errors';

describe('findTooDeep', () => {
  it('counts the outermost container as level 1 and scalars as no level', () => {
    expect(findTooDeep(1, 0)).toBeNull();
    expect(findTooDeep({}, 1)).toBeNull();
    expect(findTooDeep({}, 0)).toBe('/');
    expect(findTooDeep({ a: [{ b: 1 }] }, 3)).toBeNull();
    expect(findTooDeep({ a: [{ b: 1 }] }, 2)).toBe('/a/0');
  });

  it('counts a dotted key as the levels it expands to', () => {
    expect(findTooDeep({ 'a.b.c': 1 }, 3)).toBeNull();
    expect(findTooDeep({ 'a.b.c': 1 }, 2)).toBe('/a.b.c');
    expect(findTooDeep({ 'a.b': { c: {} } }, 3)).toBe('/a.b/c');
  });

  it('does not count dots in array entries or in values', () => {
    expect(findTooDeep(['a.b.c'], 1)).toBeNull();
    expect(findTooDeep({ a: 'x.y.z' }, 1)).toBeNull();
  });

  it('escapes "/" and "~" in the pointer (RFC 6901)', () => {
    expect(findTooDeep({ 'a/b': { '~': {} } }, 2)).toBe('/a~1b/~0');
  });

  it('walks 1,000,000 levels without growing the call stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 1_000_000; i++) deep = [deep];
    expect(findTooDeep(deep, 32)).toBe(`/${Array(32).fill('0').join('/')}`);
  });
});

describe('parseJsonText', () => {
  afterEach(() => jest.restoreAllMocks());

  it('when the text is not JSON then PARSE_ERROR', () => {
    expect(() => parseJsonText('{"a":')).toThrow(expect.objectContaining({ errorName: 'PARSE_ERROR' }));
  });

  it('when the parser runs out of stack (RangeError) then INVALID_PARAMS with data.max, a client error', () => {
    jest.spyOn(JSON, 'parse').mockImplementationOnce(() => { throw new RangeError('Maximum call stack size exceeded'); });
    let thrown: unknown;
    try { parseJsonText('[[[]]]'); } catch (err) { thrown = err; }
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).errorName).toBe('INVALID_PARAMS');
    expect((thrown as AppError).status).toBe(400);
    expect((thrown as AppError).data).toEqual({ max: 32, errors: [{ path: '/', message: 'nested deeper than 32 levels' }] });
  });
});
