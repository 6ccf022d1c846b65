import { createSocket, Socket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import * as radius from 'radius';
import { startTestServer, TestServer } from '../../support/server';
import { itWith, radiusClientFor, radiusUser } from '../../support/radius-tools';

/**
 * What radclient cannot express: the very same datagram twice (RFC 5080 §2.2.2), floods of
 * distinct requests, and many requests in flight at once. Packets are built with the npm
 * `radius` library (its own encoder, with a Message-Authenticator) and sent from a socket
 * bound to the client's address.
 */
const MAX_ENTRIES = 40;
let s: TestServer;
let port: number;
beforeAll(async () => {
  s = await startTestServer({ radius: { maxEntries: MAX_ENTRIES, maxInFlightPerClient: 4 } });
  port = s.radius!.udpPort!;
});
const sockets: { close(): Promise<void> }[] = [];
afterEach(async () => { await Promise.all(sockets.splice(0).map((c) => c.close())); });
afterAll(() => s.close());

const itOathtool = itWith({ oathtool: 'oathtool' });

function accessRequest(secret: string, identifier: number, userName: string, password: string): Buffer {
  return radius.encode({
    code: 'Access-Request', secret, identifier, add_message_authenticator: true,
    attributes: [['User-Name', userName], ['User-Password', password], ['NAS-Identifier', 'raw-test']],
  });
}

/** A UDP socket bound to `address`; send() resolves with the reply bytes, or null after `ms`. */
async function nasSocket(address: string) {
  const socket: Socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, address, resolve));
  const waiting = new Map<number, (reply: Buffer) => void>();
  socket.on('message', (reply) => waiting.get(reply[1])?.(reply));
  const nas = {
    send(packet: Buffer, ms = 3000): Promise<Buffer | null> {
      return new Promise((resolve) => {
        const timer = setTimeout(() => { waiting.delete(packet[1]); resolve(null); }, ms);
        waiting.set(packet[1], (reply) => { clearTimeout(timer); waiting.delete(packet[1]); resolve(reply); });
        socket.send(packet, port, '127.0.0.1');
      });
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
  sockets.push(nas);
  return nas;
}

describe('RADIUS retransmissions (RFC 5080)', () => {
  itOathtool('when the same datagram comes twice then the same reply bytes come back and the OTP is verified once', async () => {
    const user = await radiusUser(s, { pin: '1234' });
    const nas = await radiusClientFor(s);
    const socket = await nasSocket(nas.address);
    const otp = user.nextOtp();
    const packet = accessRequest(nas.secret, 17, `${user.loginName}@${user.domain}`, `1234${otp}`);
    const first = await socket.send(packet);
    const again = await socket.send(packet);
    expect(first?.[0]).toBe(2); // Access-Accept
    expect(again).toEqual(first);
    expect(radius.verify_response({ request: packet, response: first!, secret: nas.secret })).toBe(true);
    // a new request (new authenticator) with the same OTP is a replay, and rejected
    const replay = await socket.send(accessRequest(nas.secret, 18, `${user.loginName}@${user.domain}`, `1234${otp}`));
    expect(replay?.[0]).toBe(3); // Access-Reject
    const { total } = await s.call('/audit/search', { match: [['method', '=', 'radius/access'], ['target', '=', `${user.domain}/${user.loginName}`]] });
    expect(total).toBe(2); // the retransmission was not verified (nor audited) again
  });
});

describe('RADIUS memory under a flood', () => {
  itOathtool(`when ${MAX_ENTRIES * 5} distinct requests and PIN-only logins arrive then the retransmission cache and the States hold at most ${MAX_ENTRIES} entries`, async () => {
    const user = await radiusUser(s, { bulkPin: '4711' });
    const nas = await radiusClientFor(s);
    const socket = await nasSocket(nas.address);
    let challenges = 0;
    for (let round = 0; round < 5; round++) {
      // sent 4 at a time (the per-client bound), each a distinct datagram: a PIN-only login → Access-Challenge and a State
      for (let i = 0; i < MAX_ENTRIES; i += 4) {
        const replies = await Promise.all([0, 1, 2, 3].map((k) =>
          socket.send(accessRequest(nas.secret, (i + k) % 256, `${user.loginName}@${user.domain}`, '4711'))));
        challenges += replies.filter((r) => r?.[0] === 11).length;
      }
      expect(s.radius!.handler.retransmissions.size).toBeLessThanOrEqual(MAX_ENTRIES);
      expect(s.radius!.handler.states.size).toBeLessThanOrEqual(MAX_ENTRIES);
    }
    expect(challenges).toBe(MAX_ENTRIES * 5);
    expect(s.radius!.handler.retransmissions.size).toBe(MAX_ENTRIES);
    expect(s.radius!.handler.states.size).toBe(MAX_ENTRIES);
  });
});

describe('RADIUS requests in flight', () => {
  itOathtool('when one NAS floods then its excess is dropped and counted while another NAS is still answered', async () => {
    const user = await radiusUser(s, { pin: '1234' });
    const other = await radiusUser(s);
    const storm = await radiusClientFor(s);
    const calm = await radiusClientFor(s);
    const stormSocket = await nasSocket(storm.address);
    const calmSocket = await nasSocket(calm.address);
    // 40 requests at once, each a wrong PIN (a slow scrypt check): only 4 run at a time
    const flood = Array.from({ length: 40 }, (_, i) => stormSocket.send(accessRequest(storm.secret, 100 + i, `${user.loginName}@${user.domain}`, `99${randomBytes(2).toString('hex')}000000`), 5000));
    const calmReply = await calmSocket.send(accessRequest(calm.secret, 1, `${other.loginName}@${other.domain}`, other.nextOtp()));
    const answered = (await Promise.all(flood)).filter((r) => r !== null).length;
    expect(calmReply?.[0]).toBe(2); // Access-Accept
    expect(answered).toBeLessThan(40);
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    const overloaded = Number(/tokengate_radius_dropped_total\{reason="overloaded"\} (\d+)/.exec(metrics)?.[1]);
    expect(overloaded).toBe(40 - answered); // every request not answered was dropped as overloaded, and counted
    expect(overloaded).toBeGreaterThanOrEqual(30);
  });
});
