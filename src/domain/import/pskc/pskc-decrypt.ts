/** Decrypting one XML Encryption CipherValue, with messages fit for an administrator. */
import { createDecipheriv } from 'node:crypto';
import { cipherFor, algorithmFragment, type CipherSpec } from './pskc-algorithms';
import { unwrapRfc3394, unwrapTripleDes } from './key-wrap';

export class DecryptionError extends Error {}

export const ASYMMETRIC_REFUSAL =
  'the seeds are encrypted to an RSA certificate (asymmetric encryption), which tokengate cannot open: '
  + 'ask the vendor for the file protected with a pre-shared key or a passphrase';

/** The cipher an EncryptionMethod Algorithm names, or a DecryptionError saying why it cannot be used. */
export function usableCipher(algorithmUri: string | undefined): CipherSpec {
  if (!algorithmUri) throw new DecryptionError('the EncryptionMethod names no Algorithm');
  const spec = cipherFor(algorithmUri);
  if (!spec) throw new DecryptionError(`unsupported encryption algorithm "${algorithmFragment(algorithmUri)}"`);
  if (spec.kind === 'asymmetric') throw new DecryptionError(ASYMMETRIC_REFUSAL);
  return spec;
}

/**
 * Decrypts with the file's key. CBC values carry their IV as the first block of the
 * CipherValue (RFC 6030 §6.1.1) unless the file gives one IV for all (early drafts).
 */
export function decryptWith(spec: CipherSpec, key: Buffer, data: Buffer, sharedIv?: Buffer): Buffer {
  if (spec.kind === 'asymmetric') throw new DecryptionError(ASYMMETRIC_REFUSAL);
  if (!spec.keyLengths.includes(key.length)) {
    const needed = spec.keyLengths.join(' or ');
    throw new DecryptionError(`the key is ${key.length} bytes but ${spec.name} needs ${needed}: wrong pre-shared key?`);
  }
  try {
    switch (spec.kind) {
      case 'cbc': return decryptCbc(spec.nodeCipher(key.length) as string, spec.ivLength, key, data, sharedIv);
      case 'gcm': return decryptGcm(spec.nodeCipher, key, data);
      case 'key-wrap': return unwrapRfc3394(spec.ecbCipher, key, data);
      case 'tripledes-key-wrap': return unwrapTripleDes(key, data);
    }
  } catch (error) {
    if (error instanceof DecryptionError) throw error;
    throw new DecryptionError(`${spec.name} decryption failed: wrong pre-shared key or passphrase, or a damaged file`);
  }
}

function decryptCbc(nodeCipher: string, ivLength: number, key: Buffer, data: Buffer, sharedIv?: Buffer): Buffer {
  const iv = sharedIv ?? data.subarray(0, ivLength);
  const cipherText = sharedIv ? data : data.subarray(ivLength);
  if (iv.length !== ivLength || cipherText.length === 0 || cipherText.length % ivLength !== 0) {
    throw new DecryptionError('the encrypted value has an impossible length');
  }
  const decipher = createDecipheriv(nodeCipher, key, iv);
  return Buffer.concat([decipher.update(cipherText), decipher.final()]);
}

/** xmlenc11 AES-GCM: 12-byte IV, ciphertext, 16-byte tag. */
function decryptGcm(nodeCipher: string, key: Buffer, data: Buffer): Buffer {
  if (data.length < 12 + 16) throw new DecryptionError('the encrypted value has an impossible length');
  const decipher = createDecipheriv(nodeCipher as 'aes-128-gcm', key, data.subarray(0, 12));
  decipher.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
}
