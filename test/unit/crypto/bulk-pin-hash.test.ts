import { createHmac, randomBytes } from 'node:crypto';
import { checkPin, hashBulkPins } from '../../../src/domain/crypto/bulk-pin-hash';
import { hashPassword } from '../../../src/domain/crypto/password-hash';

const pepper = randomBytes(32);

describe('bulk PIN hashes (SPEC §8)', () => {
  it('are HMAC-SHA-256 under the pepper over a per-row salt and the PIN, marked hmac-sha256', () => {
    const [a, b] = hashBulkPins(pepper, ['1234', '1234']);
    const [scheme, salt, mac] = a.split('$');
    expect(scheme).toBe('hmac-sha256');
    expect(Buffer.from(salt, 'base64')).toHaveLength(16);
    expect(mac).toBe(createHmac('sha256', pepper).update(Buffer.from(salt, 'base64')).update('1234').digest('base64'));
    expect(b).not.toBe(a); // the salt differs per row
  });

  it('equal node\'s createHmac for any pepper length (a key longer than a block is hashed first) and NFKC-normalise the PIN', () => {
    for (const key of [randomBytes(1), randomBytes(64), randomBytes(65), randomBytes(200)]) {
      const pins = ['0000', '~!@#$%^&*()_+{}|:<>?', 'x'.repeat(32), 'ｐｉｎ１２', 'é'.repeat(100), '12345'];
      hashBulkPins(key, pins).forEach((stored, i) => {
        const [, salt, mac] = stored.split('$');
        const expected = createHmac('sha256', key).update(Buffer.from(salt, 'base64')).update(pins[i].normalize('NFKC')).digest('base64');
        expect(mac).toBe(expected);
      });
    }
    const [fullwidth] = hashBulkPins(pepper, ['ｐｉｎ１２']);
    const [, salt, mac] = fullwidth.split('$');
    expect(mac).toBe(createHmac('sha256', pepper).update(Buffer.from(salt, 'base64')).update('pin12').digest('base64'));
  });

  it('match the right PIN only, and ask for a scrypt re-hash when they match', async () => {
    const [stored] = hashBulkPins(pepper, ['9876']);
    await expect(checkPin(pepper, '9876', stored)).resolves.toEqual({ matches: true, rehashDue: true });
    await expect(checkPin(pepper, '9875', stored)).resolves.toEqual({ matches: false, rehashDue: false });
    await expect(checkPin(pepper, undefined, stored)).resolves.toEqual({ matches: false, rehashDue: false });
    await expect(checkPin(randomBytes(32), '9876', stored)).resolves.toEqual({ matches: false, rehashDue: false });
  });

  it('leave scrypt hashes to scrypt: a default-cost one needs no re-hash, a cheaper one does', async () => {
    await expect(checkPin(pepper, '2468', await hashPassword('2468'))).resolves.toEqual({ matches: true, rehashDue: false });
    await expect(checkPin(pepper, '2468', await hashPassword('2468', { N: 1024, r: 8, p: 1 }))).resolves.toEqual({ matches: true, rehashDue: true });
    await expect(checkPin(pepper, 'anything', null)).resolves.toEqual({ matches: true, rehashDue: false });
  });
});
