import { verifyPassword } from '../../../src/domain/crypto/password-hash';
import { BATCH_PIN_COST, createPinHasher } from '../../../src/services/batch-assign/pin-hasher';

describe('createPinHasher', () => {
  it('hashes in order, in the stored scrypt format verifyPassword reads', async () => {
    const hasher = createPinHasher(2);
    try {
      const pins = ['1234', '5678', 'pässwörd', 'ＡＢＣＤ', '0000'];
      const hashes = await hasher.hash(pins);
      expect(hashes).toHaveLength(5);
      for (const [i, h] of hashes.entries()) {
        expect(h).toMatch(new RegExp(`^scrypt\\$${BATCH_PIN_COST.N}\\$8\\$1\\$[A-Za-z0-9+/=]{24}\\$[A-Za-z0-9+/=]{44}$`));
        await expect(verifyPassword(pins[i], h)).resolves.toBe(true);
        await expect(verifyPassword('9999', h)).resolves.toBe(false);
      }
      await expect(verifyPassword('ABCD', hashes[3])).resolves.toBe(true); // NFKC, as hashPassword
      expect(new Set(hashes).size).toBe(5);
      expect(await hasher.hash([])).toEqual([]);
    } finally {
      await hasher.close();
    }
  });
});
