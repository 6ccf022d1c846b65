import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import * as radius from 'radius';

/**
 * RADIUS packets (RFC 2865) through the npm `radius` library and its dictionaries, plus
 * what it does not do: a constant-time Message-Authenticator check on the bytes received
 * (RFC 3579 §3.2), and replies that carry the Message-Authenticator as their FIRST
 * attribute (the library appends it last; BlastRADIUS, CVE-2024-3596, wants it first).
 */
const MESSAGE_AUTHENTICATOR = 80;
const HEADER = 20;
const MAX_PACKET = 4096;

export type DropReason = 'malformed' | 'bad_authenticator';

/** A packet that must be dropped without a reply, and why. */
export class RadiusDropError extends Error {
  constructor(readonly reason: DropReason, message: string) { super(message); }
}

export interface RadiusHeader { code: number; identifier: number; authenticator: Buffer; length: number }

export interface RadiusRequest extends RadiusHeader {
  /** The library's decoding: attribute name → value (User-Password decrypted). */
  attributes: Record<string, unknown>;
  /** Every attribute as received, [type, value] (Proxy-State goes back unchanged). */
  rawAttributes: [number, Buffer][];
  hasMessageAuthenticator: boolean;
}

/** The request codes the listener tells apart; replies are named by ReplyCode. */
export const CODES = { ACCESS_REQUEST: 1, STATUS_SERVER: 12 } as const;

/** The header alone (no secret needed): enough to find the client and the retransmission key. */
export function readHeader(packet: Buffer): RadiusHeader {
  if (packet.length < HEADER) throw new RadiusDropError('malformed', 'shorter than a RADIUS header');
  const length = packet.readUInt16BE(2);
  // RFC 2865 §3: octets beyond Length are padding and ignored; fewer than Length: drop
  if (length < HEADER || length > MAX_PACKET || length > packet.length) throw new RadiusDropError('malformed', 'bad Length');
  return { code: packet[0], identifier: packet[1], authenticator: Buffer.from(packet.subarray(4, HEADER)), length };
}

/** Decodes a request with the client's secret; a wrong Message-Authenticator or a broken attribute list throws RadiusDropError. */
export function decodeRequest(received: Buffer, secret: string): RadiusRequest {
  const header = readHeader(received);
  const bytes = received.subarray(0, header.length);
  const ma = findAttribute(bytes, MESSAGE_AUTHENTICATOR);
  if (ma !== null && !messageAuthenticatorHolds(bytes, ma, secret)) {
    throw new RadiusDropError('bad_authenticator', 'Message-Authenticator does not match (wrong secret or forged)');
  }
  // The library gets a copy (it writes into it) WITHOUT the Message-Authenticator checked above:
  // given one, it checks it again by re-encoding the whole packet (a 4 KB buffer, 16 random
  // bytes, every attribute, an HMAC) and comparing as strings, not in constant time. That
  // second check was a third of the cost of decoding (bench/radius.mjs, BENCH_PROFILE).
  const packet = ma === null ? Buffer.from(bytes) : withoutAttributeAt(bytes, ma);
  let decoded: radius.RadiusPacket;
  try {
    decoded = radius.decode({ packet, secret });
  } catch (err) {
    if (err instanceof (radius as unknown as { InvalidSecretError: new () => Error }).InvalidSecretError) {
      throw new RadiusDropError('bad_authenticator', 'authenticator does not match');
    }
    throw new RadiusDropError('malformed', `cannot decode: ${(err as Error).message}`);
  }
  const raw = (decoded as unknown as { raw_attributes: [number, Buffer][] }).raw_attributes;
  return { ...header, attributes: decoded.attributes, rawAttributes: raw, hasMessageAuthenticator: ma !== null };
}

/** A copy of `packet` without the attribute at offset `at`, its Length field made to match. */
function withoutAttributeAt(packet: Buffer, at: number): Buffer {
  const length = packet[at + 1];
  const copy = Buffer.concat([packet.subarray(0, at), packet.subarray(at + length)]);
  copy.writeUInt16BE(copy.length, 2);
  return copy;
}

/** Offset of the first attribute of `type`, or null; a broken attribute list throws. */
function findAttribute(packet: Buffer, type: number): number | null {
  let found: number | null = null;
  for (let at = HEADER; at < packet.length;) {
    const length = packet[at + 1];
    if (at + 2 > packet.length || length < 2 || at + length > packet.length) throw new RadiusDropError('malformed', 'broken attribute list');
    if (packet[at] === type) {
      if (found !== null || length !== 18) throw new RadiusDropError('malformed', 'bad Message-Authenticator attribute');
      found = at;
    }
    at += length;
  }
  return found;
}

/** RFC 3579 §3.2: HMAC-MD5 over the whole packet with the Message-Authenticator's value zeroed. */
function messageAuthenticatorHolds(packet: Buffer, at: number, secret: string): boolean {
  const got = Buffer.from(packet.subarray(at + 2, at + 18));
  const zeroed = Buffer.from(packet);
  zeroed.fill(0, at + 2, at + 18);
  return timingSafeEqual(got, createHmac('md5', secret).update(zeroed).digest());
}

export type ReplyCode = 'Access-Accept' | 'Access-Reject' | 'Access-Challenge';

/**
 * A reply to `request`: Message-Authenticator first, then `attributes` (dictionary names),
 * then the request's Proxy-State attributes unchanged (RFC 2865 §5.33). The library lays
 * the attributes out and computes a Response Authenticator over the zeroed
 * Message-Authenticator; here the HMAC (keyed on the Request Authenticator, RFC 3579 §3.2)
 * goes in, and the Response Authenticator is computed again over the final bytes.
 */
export function encodeReply(request: RadiusRequest, code: ReplyCode, attributes: [string, string | Buffer][], secret: string): Buffer {
  const proxyStates = request.rawAttributes.filter(([type]) => type === 33);
  const packet = radius.encode({
    code, identifier: request.identifier, secret, add_message_authenticator: false,
    attributes: [['Message-Authenticator', Buffer.alloc(16)], ...attributes, ...proxyStates],
    authenticator: request.authenticator,
  } as Parameters<typeof radius.encode>[0]);
  // The library's packet is a slice of a 4 KB buffer of its own: the reply is copied into a
  // buffer of its size, as the retransmission cache keeps up to TOKENGATE_RADIUS_CACHE_ENTRIES
  // replies for 30 s (4 KB each pinned 40 MB at the default 10000, and GC work per reply).
  const reply = Buffer.allocUnsafeSlow(packet.length);
  packet.copy(reply);
  request.authenticator.copy(reply, 4);
  createHmac('md5', secret).update(reply).digest().copy(reply, HEADER + 2);
  createHash('md5').update(reply).update(secret).digest().copy(reply, 4);
  return reply;
}
