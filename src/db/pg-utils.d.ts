/** pg's own parameter serialiser (not in @types/pg): dates, arrays and objects to text as pg sends them. */
declare module 'pg/lib/utils' {
  export function prepareValue(value: unknown): string | Buffer | null;
}
