import { createHash } from 'node:crypto';
import { memoryKey } from '../../../src/domain/crypto/secrets';

describe('memoryKey', () => {
  const key = 'tgk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

  it('when the same secret comes again then the same key, and another secret another key', () => {
    expect(memoryKey(key)).toBe(memoryKey(key));
    expect(memoryKey(`${key}B`)).not.toBe(memoryKey(key));
  });

  it('is salted: not the plain SHA-256 of the secret (which anyone could compute), and does not contain it', () => {
    const plain = createHash('sha256').update(key).digest('base64');
    expect(memoryKey(key)).not.toBe(plain);
    expect(memoryKey(key)).toHaveLength(plain.length);
    expect(memoryKey(key)).not.toContain(key.slice(4, 20));
  });
});
