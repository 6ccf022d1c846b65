import { isIPv4 } from 'node:net';
import type { RadiusClientRow } from '../../services/radius/radius-clients';

interface Network { family: 4 | 6; bits: bigint; prefix: number }

/**
 * The RADIUS clients of this process, found by a packet's source address (the narrowest
 * network covering it wins). The table is read whole from the database every `refreshMs`
 * (5 s by default) and at once when a packet comes from an address no client covers (at
 * most once a second), so a client created, changed or deleted through any server process
 * takes effect here within `refreshMs`: the simple correct choice over NOTIFY for a table
 * of a few rows that changes rarely.
 */
export class RadiusClientTable {
  private clients: { row: RadiusClientRow; net: Network }[] = [];
  private loadedAt = -Infinity;
  private loading: Promise<void> | null = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly load: () => Promise<RadiusClientRow[]>,
    private readonly opts: { refreshMs: number; missRefreshMs: number; now?: () => number; onError?: (err: unknown) => void },
  ) {}

  async start(): Promise<void> {
    await this.refresh().catch((err) => this.opts.onError?.(err));
    this.timer = setInterval(() => void this.refresh().catch((err) => this.opts.onError?.(err)), this.opts.refreshMs).unref();
  }

  stop(): void { clearInterval(this.timer); }

  /** The client for `address`, reading the table again first when none covers it (and it was not just read). */
  async find(address: string): Promise<RadiusClientRow | undefined> {
    const found = this.match(address);
    if (found || this.now() - this.loadedAt < this.opts.missRefreshMs) return found;
    await this.refresh();
    return this.match(address);
  }

  private now(): number { return (this.opts.now ?? Date.now)(); }

  private refresh(): Promise<void> {
    return (this.loading ??= this.load().then((rows) => {
      this.clients = rows.flatMap((row) => {
        const net = parseNetwork(row.address);
        return net ? [{ row, net }] : [];
      }).sort((a, b) => b.net.prefix - a.net.prefix);
      this.loadedAt = this.now();
    }).finally(() => { this.loading = null; }));
  }

  private match(address: string): RadiusClientRow | undefined {
    const ip = parseNetwork(address);
    if (!ip) return undefined;
    return this.clients.find(({ net }) => net.family === ip.family && covers(net, ip.bits))?.row;
  }
}

/** "10.0.0.0/8", "192.0.2.1", "2001:db8::/32", "::ffff:192.0.2.1" (a v4 client on a dual-stack socket). */
function parseNetwork(text: string): Network | null {
  const [ip, prefixText] = text.split('/');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const v4 = mapped ? mapped[1] : ip;
  if (isIPv4(v4)) {
    const bits = v4.split('.').reduce((n, octet) => (n << 8n) | BigInt(+octet), 0n);
    return { family: 4, bits, prefix: prefixText === undefined ? 32 : +prefixText };
  }
  const bits = ipv6Bits(ip);
  return bits === null ? null : { family: 6, bits, prefix: prefixText === undefined ? 128 : +prefixText };
}

function covers(net: Network, bits: bigint): boolean {
  const width = BigInt(net.family === 4 ? 32 : 128);
  const shift = width - BigInt(net.prefix);
  return (net.bits >> shift) === (bits >> shift);
}

function ipv6Bits(ip: string): bigint | null {
  const zone = ip.split('%')[0];
  const halves = zone.split('::');
  if (halves.length > 2) return null;
  const words = (part: string) => (part === '' ? [] : part.split(':'));
  const head = words(halves[0]);
  const tail = halves.length === 2 ? words(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return null;
  const all = [...head, ...Array(missing).fill('0'), ...tail];
  if (!all.every((w) => /^[0-9a-f]{1,4}$/i.test(w))) return null;
  return all.reduce((n, w) => (n << 16n) | BigInt(parseInt(w, 16)), 0n);
}
