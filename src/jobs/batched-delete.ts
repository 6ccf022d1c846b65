import type { DataSource } from 'typeorm';
import { sqlCount } from '../db/sql';

/**
 * Runs a `DELETE … WHERE <key> IN (SELECT … LIMIT $n FOR UPDATE SKIP LOCKED)` statement
 * until a batch comes back short or `maxBatches` ran: each batch is one short
 * transaction, and SKIP LOCKED lets several server processes share the work.
 * The statement takes the batch size as its last parameter.
 */
export async function deleteInBatches(
  dataSource: DataSource, statement: string, params: unknown[], batchSize: number, maxBatches: number,
): Promise<number> {
  let deleted = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const n = await sqlCount(dataSource.manager, statement, [...params, batchSize]);
    deleted += n;
    if (n < batchSize) break;
  }
  return deleted;
}
