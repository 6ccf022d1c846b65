import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { ServerProcess } from '../gateway/server-processes';

/**
 * A steady load over several tokengate processes, and a log of every answer, for a
 * failover test: HOTP verifies (a worker per token, its codes from oathtool), user creates,
 * and API keys created, used and revoked. Each worker sends its next call when the last
 * is answered, to the nodes in turn; nothing sleeps.
 */

export interface Answer { node: number; kind: 'verify' | 'replay' | 'create' | 'key' | 'use' | 'revoke'; started: number; ended: number; status: number; name?: string; retryAfter: string | null }

/** The legacy envelope: `{error: 0, result}` or `{error, name, message, data}`. */
export interface Reply { status: number; result: any; name?: string; body: any; retryAfter: string | null }

/** POST /rest<method> on a node, as the legacy REST clients do (the HTTP status is the answer). */
export async function rest(node: ServerProcess, key: string, method: string, params: unknown): Promise<Reply> {
  try {
    const res = await fetch(`${node.url}/rest${method}`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(params), signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    let body: any = text;
    try { body = JSON.parse(text); } catch { /* kept as text */ }
    return { status: res.status, result: body?.result, name: body?.name, body, retryAfter: res.headers.get('retry-after') };
  } catch (err) {
    return { status: 0, result: undefined, body: String(err), retryAfter: null }; // no answer at all: never right
  }
}

/** HOTP codes 0…count-1 of a hex seed, from oathtool (not from tokengate's own HOTP). */
export function oathtoolHotp(seedHex: string, count: number): string[] {
  const r = spawnSync('oathtool', ['--hotp', '--counter=0', `--window=${count - 1}`, seedHex], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`oathtool failed: ${r.stderr || r.error}`);
  return r.stdout.trim().split('\n');
}

export interface HotpToken { serial: string; userId: string; codes: string[] }

/** Tokens imported from OATH CSV with random seeds, each assigned to a new user of `domain`. */
export async function makeHotpTokens(node: ServerProcess, key: string, domain: string, count: number): Promise<HotpToken[]> {
  const seeds = Array.from({ length: count }, () => randomBytes(20).toString('hex'));
  const serials = seeds.map((_, i) => `FO-${randomBytes(4).toString('hex')}-${i}`);
  const imported = await rest(node, key, '/token/create', {
    attrs: { data: serials.map((s, i) => `${s},${seeds[i]},HOTP,6,0`).join('\n'), product: { manufacturerCode: 'OATH', productCode: 'HOTP' } },
  });
  if (imported.status !== 200) throw new Error(`import: ${JSON.stringify(imported.body)}`);
  return Promise.all(serials.map(async (serial, i) => {
    const user = await rest(node, key, '/user/create', { attrs: { domain: { name: domain }, loginName: `hotp-${serial}` } });
    const assigned = await rest(node, key, '/token/assign', { token: { serial }, user: { id: user.result?.id } });
    if (user.status !== 200 || assigned.status !== 200) throw new Error(`user/assign: ${JSON.stringify([user.body, assigned.body])}`);
    return { serial, userId: user.result.id as string, codes: oathtoolHotp(seeds[i], 2_000) };
  }));
}

export class FailoverLoad {
  readonly answers: Answer[] = [];
  /** Every OTP accepted: token serial and HOTP counter, in the order accepted. */
  readonly accepted: { serial: string; counter: number; at: number }[] = [];
  /** OTPs accepted before the gap and accepted again when sent once more after it. */
  readonly replayedAccepted: { serial: string; counter: number }[] = [];
  readonly replaysRefused: string[] = [];
  /** loginNames of creates answered 200, and of those answered 503 (outcome unknown). */
  readonly created: string[] = [];
  readonly createsInDoubt: string[] = [];
  /** Keys still served by some node more than a second after their revocation was answered 200. */
  readonly lateRevocations: { node: number; afterMs: number }[] = [];
  /** Answers no rule allows (a 500, no answer, a 401 for an OTP never sent before...). */
  readonly wrong: (Answer & { body: unknown })[] = [];
  private running = true;
  private workers: Promise<void>[] = [];
  private turn = 0;

  constructor(private readonly nodes: ServerProcess[], private readonly key: string, private readonly domain: string, private readonly now = () => performance.now()) {}

  start(tokens: HotpToken[], o: { creators: number; revokers: number }): void {
    this.workers = [
      ...tokens.map((t) => this.verifier(t)),
      ...Array.from({ length: o.creators }, (_, i) => this.creator(i)),
      ...Array.from({ length: o.revokers }, () => this.revoker()),
    ];
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }

  count(filter: (a: Answer) => boolean): number {
    return this.answers.reduce((n, a) => n + (filter(a) ? 1 : 0), 0);
  }

  private nextNode(): number {
    return this.turn++ % this.nodes.length;
  }

  private async send(kind: Answer['kind'], method: string, params: unknown, o: { node?: number; key?: string } = {}): Promise<Reply & { answer: Answer }> {
    const node = o.node ?? this.nextNode();
    const started = this.now();
    const reply = await rest(this.nodes[node], o.key ?? this.key, method, params);
    const answer: Answer = { node, kind, started, ended: this.now(), status: reply.status, name: reply.name, retryAfter: reply.retryAfter };
    this.answers.push(answer);
    if (reply.status === 0 || reply.status >= 500 && reply.status !== 503 || reply.status === 503 && !reply.retryAfter) this.wrong.push({ ...answer, body: reply.body });
    return { ...reply, answer };
  }

  /**
   * One token's codes in order. A 503 leaves the code in doubt (it may have been used):
   * sent again, 401 is then right. While answers are 503 the worker sends the last code
   * accepted instead: once the database answers again, that replay must be refused.
   */
  private async verifier(t: HotpToken): Promise<void> {
    let next = 0;
    let inDoubt = false;
    let lastAccepted: number | undefined;
    let replayPending = false;
    const verify = (counter: number, kind: 'verify' | 'replay') =>
      this.send(kind, '/auth/verify', { user: { id: t.userId }, credential: { otp: t.codes[counter] } });
    while (this.running && next < t.codes.length) {
      if (replayPending && lastAccepted !== undefined) {
        const r = await verify(lastAccepted, 'replay');
        if (r.status === 503) continue;
        replayPending = false;
        if (r.status === 200) {
          this.replayedAccepted.push({ serial: t.serial, counter: lastAccepted });
          this.accepted.push({ serial: t.serial, counter: lastAccepted, at: r.answer.ended });
        } else if (r.status === 401 && r.name === 'AUTH_FAILED') this.replaysRefused.push(t.serial);
        else this.wrong.push({ ...r.answer, body: r.body });
        continue;
      }
      const r = await verify(next, 'verify');
      if (r.status === 200 && r.result?.verified === true) {
        this.accepted.push({ serial: t.serial, counter: next, at: r.answer.ended });
        lastAccepted = next++;
        inDoubt = false;
      } else if (r.status === 503) {
        inDoubt = true;
        replayPending = true;
      } else if (r.status === 401 && r.name === 'AUTH_FAILED' && inDoubt) {
        next++; // the call answered 503 had used it
        inDoubt = false;
      } else {
        this.wrong.push({ ...r.answer, body: r.body });
        next++;
      }
    }
  }

  private async creator(worker: number): Promise<void> {
    for (let n = 0; this.running; n++) {
      const loginName = `load-${worker}-${n}`;
      const r = await this.send('create', '/user/create', { attrs: { domain: { name: this.domain }, loginName } });
      if (r.status === 200 && typeof r.result?.id === 'string') this.created.push(loginName);
      else if (r.status === 503) this.createsInDoubt.push(loginName);
      else this.wrong.push({ ...r.answer, body: r.body });
    }
  }

  /** Makes a key, uses it on every node (cached there), revokes it, and watches every node refuse it within a second. */
  private async revoker(): Promise<void> {
    while (this.running) {
      const made = await this.send('key', '/apikey/create', { attrs: { name: 'load', scopes: ['audit:read'] } });
      if (made.status !== 200) continue;
      const { id, key } = made.result as { id: string; key: string };
      for (let node = 0; node < this.nodes.length; node++) await this.send('use', '/apikey/whoami', {}, { node, key });
      const revoked = await this.send('revoke', '/apikey/revoke', { id });
      if (revoked.status !== 200) continue;
      const answeredAt = revoked.answer.ended;
      for (let node = 0; node < this.nodes.length; node++) {
        for (;;) {
          const r = await this.send('use', '/apikey/whoami', {}, { node, key });
          if (r.status !== 200) break; // 401, or 503 while the database is away: not served either way
          const afterMs = r.answer.started - answeredAt;
          if (afterMs > 1_000) { this.lateRevocations.push({ node, afterMs }); break; }
        }
      }
    }
  }
}
