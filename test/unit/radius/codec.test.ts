import { createHash, createHmac, randomBytes } from 'node:crypto';
import { decodeRequest, encodeReply, RadiusDropError } from '../../../src/protocols/radius/codec';

/**
 * Access-Requests built byte by byte from the RFCs, not by the library the codec uses:
 * RFC 2865 §3 (header) and §5.2 (User-Password hiding), RFC 3579 §3.2 (Message-Authenticator,
 * HMAC-MD5 over the packet with its own value zeroed).
 */
const SECRET = 'codec-test-secret-0123';

function attribute(type: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type, value.length + 2]), value]);
}

/** RFC 2865 §5.2: the password padded to 16 octets, each block XORed with MD5(secret + the previous cipher block, the first: the Request Authenticator). */
function hidePassword(password: string, authenticator: Buffer, secret: string): Buffer {
  const plain = Buffer.alloc(Math.max(16, Math.ceil(Buffer.byteLength(password) / 16) * 16));
  plain.write(password);
  const out = Buffer.alloc(plain.length);
  let previous = authenticator;
  for (let at = 0; at < plain.length; at += 16) {
    const b = createHash('md5').update(secret).update(previous).digest();
    for (let i = 0; i < 16; i++) out[at + i] = plain[at + i] ^ b[i];
    previous = out.subarray(at, at + 16);
  }
  return out;
}

/** An Access-Request with User-Name, Message-Authenticator (in the middle), User-Password and Proxy-State. */
function accessRequest(password: string, { secret = SECRET, proxyState = Buffer.from('proxy-42') } = {}) {
  const authenticator = randomBytes(16);
  const attrs = [
    attribute(1, Buffer.from('alice@corp')),
    attribute(80, Buffer.alloc(16)),
    attribute(2, hidePassword(password, authenticator, secret)),
    attribute(33, proxyState),
  ];
  const length = 20 + attrs.reduce((n, a) => n + a.length, 0);
  const packet = Buffer.concat([Buffer.from([1, 7, length >> 8, length & 0xff]), authenticator, ...attrs]);
  const maAt = 20 + attrs[0].length + 2;
  createHmac('md5', secret).update(packet).digest().copy(packet, maAt);
  return { packet, authenticator, maAt };
}

describe('RADIUS request decoding (RFC 2865, RFC 3579)', () => {
  it('when an Access-Request has a valid Message-Authenticator between its attributes then the rest decode as sent, User-Password in the clear, Proxy-State as received', () => {
    for (const password of ['1234755224', 'a-pin-longer-than-16+287082']) { // one and two 16-octet blocks
      const { packet, authenticator } = accessRequest(password);
      const request = decodeRequest(packet, SECRET);
      expect({ ...request, decoded: undefined }).toEqual({
        code: 1, identifier: 7, authenticator, length: packet.length, hasMessageAuthenticator: true, decoded: undefined,
        attributes: { 'User-Name': 'alice@corp', 'User-Password': password, 'Proxy-State': Buffer.from('proxy-42') },
        rawAttributes: [[1, Buffer.from('alice@corp')], [2, expect.any(Buffer)], [33, Buffer.from('proxy-42')]],
      });
    }
  });

  it('when the Message-Authenticator is altered or signed with another secret then the request is dropped as bad_authenticator', () => {
    const altered = accessRequest('1234755224');
    altered.packet[altered.maAt + 5] ^= 0x01;
    const other = accessRequest('1234755224', { secret: 'another-secret-0123456' });
    for (const { packet } of [altered, other]) {
      let thrown: unknown;
      try { decodeRequest(packet, SECRET); } catch (err) { thrown = err; }
      expect(thrown).toBeInstanceOf(RadiusDropError);
      expect((thrown as RadiusDropError).reason).toBe('bad_authenticator');
    }
  });

  it('when a reply is encoded then its Message-Authenticator comes first and holds (RFC 3579), its Response Authenticator holds (RFC 2865), Proxy-State comes back, and it holds no more memory than its own bytes', () => {
    const { packet, authenticator } = accessRequest('1234755224');
    const reply = encodeReply(decodeRequest(packet, SECRET), 'Access-Challenge', [['Reply-Message', 'Enter the one-time password']], SECRET);
    const message = Buffer.from('Enter the one-time password');
    const length = 20 + 18 + (2 + message.length) + (2 + 8);
    expect(reply.length).toBe(length);
    expect(reply.buffer.byteLength).toBe(length); // the retransmission cache keeps replies for 30 s: no 4 KB behind each
    expect([...reply.subarray(0, 4)]).toEqual([11, 7, length >> 8, length & 0xff]);
    expect(reply.subarray(20, 22)).toEqual(Buffer.from([80, 18]));
    expect(reply.subarray(38)).toEqual(Buffer.concat([attribute(18, message), attribute(33, Buffer.from('proxy-42'))]));
    // RFC 3579 §3.2: HMAC-MD5 over the reply with the Request Authenticator in place and the Message-Authenticator zeroed
    const signed = Buffer.from(reply);
    authenticator.copy(signed, 4);
    signed.fill(0, 22, 38);
    expect(reply.subarray(22, 38)).toEqual(createHmac('md5', SECRET).update(signed).digest());
    // RFC 2865 §3: MD5(Code, Identifier, Length, Request Authenticator, Attributes, Secret)
    const checked = Buffer.from(reply);
    authenticator.copy(checked, 4);
    expect(reply.subarray(4, 20)).toEqual(createHash('md5').update(checked).update(SECRET).digest());
  });
});
