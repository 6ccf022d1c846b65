import { finished } from 'node:stream/promises';
import { BinaryCopyWriter } from '../../../src/services/batch-assign/copy-binary';
import { startTestServer, TestServer } from '../../support/server';

// The binary COPY writer read back by PostgreSQL itself: what it wrote must be what the
// server stores (the format is PostgreSQL's, "Binary Format" of COPY).

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

describe('BinaryCopyWriter, read by PostgreSQL', () => {
  it('when rows hold short and long text, non-ASCII on either side of the short path, NULLs and uuids, and outgrow the buffer then PostgreSQL stores them exactly', async () => {
    const long = 'é'.repeat(40) + 'ascii after';
    const rows: [number, string | null, string | null, string | null][] = [
      [1, 'plain', null, '017f22e2-79b0-7cc3-98c4-dc0c0c07398f'],
      [2, 'José 😀', long, null],
      [3, 'x'.repeat(33), 'tab\there\nand \\N', '00000000-0000-7000-8000-000000000001'],
    ];
    const copy = new BinaryCopyWriter(16); // far too small: it grows
    for (const [n, a, b, id] of rows) {
      copy.row(4).int4(n).text(a).text(b).uuid(id === null ? null : (out, at) => { out.write(id.replaceAll('-', ''), at, 'hex'); });
    }

    const stored = await s.db.transaction(async (db) => {
      await db.rows('CREATE TEMPORARY TABLE copied (n int, a text, b text, id uuid) ON COMMIT DROP');
      const stream = db.copyFrom('COPY copied FROM STDIN (FORMAT binary)');
      stream.end(copy.finish());
      await finished(stream);
      return db.rows<{ n: number; a: string | null; b: string | null; id: string | null }>('SELECT n, a, b, id FROM copied ORDER BY n');
    });

    expect(stored.map((r) => [r.n, r.a, r.b, r.id])).toEqual(rows);
  });
});
