/**
 * Rows in PostgreSQL's binary COPY format ("COPY … FROM STDIN (FORMAT binary)", the
 * PostgreSQL documentation's "Binary Format" of COPY): a signature and two zero int32s,
 * then per row an int16 field count and each field as an int32 length (-1: NULL) and its
 * bytes, then an int16 -1. A text field is its UTF-8 bytes as they are, nothing escaped;
 * PostgreSQL only checks the encoding. In the text format it parsed and unescaped every
 * field of every row: 4.6 µs a row of the batch's staging, as much as checking the row
 * (2.7 µs in this format).
 */
export class BinaryCopyWriter {
  private out: Buffer;
  private at = 0;

  constructor(expectedBytes = 64 * 1024) {
    this.out = Buffer.allocUnsafe(Math.max(expectedBytes, 64));
    this.at = SIGNATURE.copy(this.out, 0);
    this.at = this.out.writeInt32BE(0, this.at); // flags: no OIDs
    this.at = this.out.writeInt32BE(0, this.at); // no header extension
  }

  /** Starts a row of `fields` fields; the caller then writes exactly that many. */
  row(fields: number): this {
    this.room(2);
    this.at = this.out.writeInt16BE(fields, this.at);
    return this;
  }

  int4(value: number): this {
    this.room(8);
    this.at = this.out.writeInt32BE(value, this.out.writeInt32BE(4, this.at));
    return this;
  }

  text(value: string | null): this {
    if (value === null) return this.nul();
    this.room(4 + 3 * value.length); // a UTF-16 code unit is at most 3 bytes of UTF-8
    const start = this.at + 4;
    let end = start;
    // Short ASCII fields (most of them: names, serials, codes) byte by byte, which is
    // cheaper than a native call each; longer ones (PIN hashes) and any other in one call.
    if (value.length > SHORT_FIELD) {
      end += this.out.write(value, start, 'utf8');
    } else {
      for (let i = 0; i < value.length; i++) {
        const c = value.charCodeAt(i);
        if (c > 0x7f) { end = start + this.out.write(value, start, 'utf8'); break; }
        this.out[end++] = c;
      }
    }
    this.out.writeInt32BE(end - start, this.at);
    this.at = end;
    return this;
  }

  /** A uuid as its 16 bytes, which `write` puts at the offset it is given; null: NULL. */
  uuid(write: ((out: Buffer, offset: number) => void) | null): this {
    if (write === null) return this.nul();
    this.room(20);
    this.out.writeInt32BE(16, this.at);
    write(this.out, this.at + 4);
    this.at += 20;
    return this;
  }

  /** The rows written, with the trailer. */
  finish(): Buffer {
    this.room(2);
    this.at = this.out.writeInt16BE(-1, this.at);
    return this.out.subarray(0, this.at);
  }

  private nul(): this {
    this.room(4);
    this.at = this.out.writeInt32BE(-1, this.at);
    return this;
  }

  private room(bytes: number): void {
    if (this.at + bytes <= this.out.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(2 * this.out.length, this.at + bytes));
    this.out.copy(bigger, 0, 0, this.at);
    this.out = bigger;
  }
}

const SHORT_FIELD = 32;
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
