import { once } from 'node:events';
import type { Response } from 'express';
import type { Logger } from 'pino';
import type { StreamedList } from '../contract/streamed-list';

/**
 * Writes {"error":0,"result":{"total":N,"rows":[…]}} while the rows are read, waiting
 * for the socket to drain so memory stays flat whatever the row count. The result is
 * committed before the first byte, so a failure here can only cut the reply short
 * (the client sees broken JSON, never a false error); it is logged.
 */
export async function writeStreamedList(res: Response, list: StreamedList, log: Logger): Promise<void> {
  res.status(200).type('application/json');
  try {
    res.write(`{"error":0,"result":{"total":${list.total},"rows":[`);
    let first = true;
    let pending = '';
    for await (const row of list.rows) {
      pending += (first ? '' : ',') + JSON.stringify(row);
      first = false;
      // a few kB per write: one write per row would cost more than the rows
      if (pending.length >= 16_384) {
        if (res.destroyed) break;
        if (!res.write(pending)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
        pending = '';
      }
    }
    res.end(`${pending}]}}`);
  } catch (err) {
    log.error({ err }, 'the streamed reply was cut short');
    res.destroy();
  } finally {
    await list.close();
  }
}
