/**
 * A {total, rows} result whose rows come from the database while the reply is being
 * written (a million imported tokens are never one array). The legacy route streams
 * it as JSON; every other transport gets it collected into a plain {total, rows}.
 * Whoever receives one must either read `rows` to the end or call `close()`, which
 * frees what holds the rows (a database connection).
 */
export interface StreamedList<T = unknown> {
  readonly total: number;
  readonly rows: AsyncIterable<T>;
  close(): Promise<void>;
}

const MARK = Symbol('tokengate.streamedList');

export function streamedList<T>(total: number, rows: AsyncIterable<T>, close: () => Promise<void>): StreamedList<T> {
  return { total, rows, close, [MARK]: true } as StreamedList<T>;
}

export function isStreamedList(value: unknown): value is StreamedList {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARK] === true;
}

/** The plain {total, rows} of a streamed list (for replies that are written whole). */
export async function collectList<T>(list: StreamedList<T>): Promise<{ total: number; rows: T[] }> {
  const rows: T[] = [];
  try {
    for await (const row of list.rows) rows.push(row);
  } finally {
    await list.close();
  }
  return { total: list.total, rows };
}

/** The same list with each row mapped (a `return` projection). */
export function mapList<T, U>(list: StreamedList<T>, map: (row: T) => U): StreamedList<U> {
  async function* mapped() {
    for await (const row of list.rows) yield map(row);
  }
  return streamedList(list.total, mapped(), () => list.close());
}
