import { createHash } from 'node:crypto';
import pg from 'pg';
import { isDatabaseUnavailable } from '../errors/database-unavailable';

/**
 * The hot paths' autocommit statements (verify snapshot and compare-and-set, credential
 * look-ups, rate-limit counts, audit rows) go over connections of their own (one by default)
 * in pg's pipeline mode: a connection carries the next statement before the last one's reply
 * has come back, so PostgreSQL reads several per wake-up and answers them in one write. Each
 * statement is named (prepared once per connection): planning the verify snapshot cost
 * the database several times what running it does. One connection is the default because a
 * process's event loop cannot make more of these statements than one backend runs; on 2
 * cores, 4 lanes gave /auth/verify 2633 calls/s and 1 lane 4386/s in the same wrk run.
 *
 * Only autocommit statements come here, each committing on its own, so pipelining them
 * changes no answer: a statement that fails fails alone (pg sends a Sync after each).
 * A connection that breaks is replaced on the next statement; the statements it carried
 * fail with the driver's connection error, which the Database answers as an outage.
 */
export interface HotLaneOptions {
  /** How many pipelined connections. */
  size: number;
  /** Named statements; off behind a pooler that cannot keep them (PgBouncer < 1.21). */
  prepared: boolean;
  /** Opens one connection (the Database knows the hosts, timeouts and settings). */
  connect: (pipeline: boolean) => Promise<pg.Client>;
}

export class HotLane {
  private readonly lanes: (Promise<pg.Client> | null)[];
  private next = 0;
  private readonly corked = new Set<pg.Client>();
  private closed = false;

  constructor(private readonly o: HotLaneOptions) {
    this.lanes = new Array(o.size).fill(null);
  }

  async rows<T>(text: string, params: readonly unknown[]): Promise<T[]> {
    const slot = this.next;
    this.next = (this.next + 1) % this.lanes.length;
    const lane = this.laneAt(slot);
    const client = await lane;
    this.holdWritesThisTurn(client);
    const query = this.o.prepared ? { name: statementName(text), text, values: params as unknown[] } : { text, values: params as unknown[] };
    try {
      return (await client.query(query)).rows as T[];
    } catch (err) {
      // The connection is gone (its 'end' may come later): the next statement opens another.
      if (isDatabaseUnavailable(err)) this.forget(slot, lane);
      throw err;
    }
  }

  /**
   * pg writes every statement to the socket as it is submitted: one syscall each, which on
   * loopback also runs PostgreSQL's side of the delivery and was a third of the server's CPU
   * under load (bench/hot-paths.mjs, BENCH_PROFILE). Corking the connection until the event
   * loop's check phase sends all statements submitted in this turn (every request read in
   * one poll) in one write, at the cost of nothing but the rest of the current turn.
   */
  private holdWritesThisTurn(client: pg.Client): void {
    if (this.corked.has(client)) return;
    const { stream } = client.connection;
    stream.cork();
    this.corked.add(client);
    setImmediate(() => {
      this.corked.delete(client);
      stream.uncork();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const open = this.lanes.splice(0).filter((lane): lane is Promise<pg.Client> => lane !== null);
    await Promise.all(open.map((lane) => lane.then((c) => c.end(), () => {}).catch(() => {})));
  }

  private laneAt(slot: number): Promise<pg.Client> {
    if (this.closed) return Promise.reject(new Error('Client was closed and is not queryable'));
    const open = this.lanes[slot];
    if (open) return open;
    const opening = this.o.connect(true).then((client) => {
      client.on('error', () => this.forget(slot, opening));
      client.on('end', () => this.forget(slot, opening));
      return client;
    });
    this.lanes[slot] = opening;
    opening.catch(() => this.forget(slot, opening));
    return opening;
  }

  private forget(slot: number, lane: Promise<pg.Client>): void {
    if (this.lanes[slot] !== lane) return;
    this.lanes[slot] = null;
    lane.then((client) => client.end(), () => {}).catch(() => {});
  }
}

/** Statement names are per connection; the text's hash keeps one name per text. */
const names = new Map<string, string>();
function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `tg_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}
