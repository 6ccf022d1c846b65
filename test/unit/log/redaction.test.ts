import { Writable } from 'node:stream';
import { createLogger } from '../../../src/log';

/** A logger writing into an array of parsed lines. */
function capture() {
  const lines: any[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: createLogger('debug', sink), lines };
}

const SECRET = 's3cr3t-value-that-must-not-appear';

describe('log redaction', () => {
  it.each([
    ['token'], ['key'], ['pin'], ['password'], ['seed'], ['csv'], ['passphrase'], ['otp'], ['secret'], ['credential'],
  ])('when a field named %s is logged at depth 0 to 3 then its value is replaced', (field) => {
    const { log, lines } = capture();
    log.info({ [field]: SECRET, a: { [field]: SECRET, b: { [field]: SECRET, c: { [field]: SECRET } } } }, 'line');
    expect(lines[0]).toMatchObject({
      msg: 'line',
      [field]: '[redacted]',
      a: { [field]: '[redacted]', b: { [field]: '[redacted]', c: { [field]: '[redacted]' } } },
    });
    expect(JSON.stringify(lines)).not.toContain(SECRET);
  });

  it('when a request is logged then the authorization and meshblu token headers are replaced, the rest kept', () => {
    const { log, lines } = capture();
    log.warn({ req: { method: 'POST', headers: { authorization: `Bearer ${SECRET}`, meshblu_auth_token: SECRET, 'content-type': 'text/csv' } } });
    expect(lines[0].req).toEqual({
      method: 'POST', headers: { authorization: '[redacted]', meshblu_auth_token: '[redacted]', 'content-type': 'text/csv' },
    });
  });

  it('when a database error is logged then its bound parameters are replaced, its message kept', () => {
    const { log, lines } = capture();
    const err = Object.assign(new Error('duplicate key value violates unique constraint'), {
      parameters: [SECRET, 42], driverError: { parameters: [SECRET] },
    });
    log.error({ err }, 'internal error');
    expect(lines[0].err.message).toBe('duplicate key value violates unique constraint');
    expect(lines[0].err.parameters).toBe('[redacted]');
    expect(lines[0].err.driverError.parameters).toBe('[redacted]');
    expect(JSON.stringify(lines)).not.toContain(SECRET);
  });

  it('when a child logger carries bindings then its lines are redacted by the same rules', () => {
    const { log, lines } = capture();
    log.child({ correlationId: 'abc' }).debug({ params: { attrs: { pin: SECRET, loginName: 'alice' } } }, 'call');
    expect(lines[0]).toMatchObject({ correlationId: 'abc', params: { attrs: { pin: '[redacted]', loginName: 'alice' } } });
  });

  it('when a field merely resembles a secret name then it is kept', () => {
    const { log, lines } = capture();
    log.info({ tokenId: 'tok-1', keyCount: 3, serial: 'ABC123', user: { loginName: 'alice' } });
    expect(lines[0]).toMatchObject({ tokenId: 'tok-1', keyCount: 3, serial: 'ABC123', user: { loginName: 'alice' } });
  });
});
