import { startTestServer, TestServer } from '../../support/server';
import { itWith, RADCLIENT, radclient, radiusClientFor, radiusUser } from '../../support/radius-tools';

let s: TestServer;
let port: number;
beforeAll(async () => {
  s = await startTestServer({ radius: {} });
  port = s.radius!.udpPort!;
});
afterAll(() => s.close());

const itRadius = itWith(RADCLIENT);
const MA = ['Message-Authenticator', expect.stringMatching(/^0x[0-9a-f]{32}$/)];

describe('RADIUS Access-Request (PAP)', () => {
  itRadius('when PIN+OTP are right then Access-Accept, Message-Authenticator first', async () => {
    const user = await radiusUser(s, { pin: '1234' });
    const { secret } = await radiusClientFor(s);
    const reply = await radclient(port, secret, [`User-Name = "${user.loginName}@${user.domain}"`, `User-Password = "1234${user.nextOtp()}"`]);
    expect(reply).toEqual({ code: 'Access-Accept', attributes: [MA] });
  });
});
