import type { Database } from '../db';

/**
 * Runs a `DELETE … WHERE <key> IN (SELECT … LIMIT $n FOR UPDATE SKIP LOCKED)` statement
 * until a batch comes back short or `maxBatches` ran: each batch is one short
 * transaction, and SKIP LOCKED lets several server processes share the work.
 * The statement takes the batch size as its last parameter.
 */
export async function deleteInBatches(
  dataSource: Database, statement: string, params: unknown[], batchSize: number, maxBatches: number,
): Promise<number> {
  let deleted = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const n = await dataSource.count(statement, [...params, batchSize]);
    deleted += n;
    if (n < batchSize) break;
  }
  return deleted;
}
