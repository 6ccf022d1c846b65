/**
 * The algorithm identifiers PSKC files use, by their last segment: vendors mix
 * namespaces (camellia under xmlenc# instead of xmldsig-more#, pskc:totp or pskc#totp),
 * so the fragment after the last '#' or ':' is what identifies an algorithm.
 */

export type CipherSpec =
  | { kind: 'cbc'; name: string; nodeCipher: (keyLength: number) => string | undefined; keyLengths: number[]; ivLength: number }
  | { kind: 'gcm'; name: string; nodeCipher: string; keyLengths: number[] }
  | { kind: 'key-wrap'; name: string; ecbCipher: string; keyLengths: number[] }
  | { kind: 'tripledes-key-wrap'; name: string; keyLengths: number[] }
  | { kind: 'asymmetric'; name: string };

export function algorithmFragment(uri: string): string {
  const trimmed = uri.trim();
  return trimmed.slice(Math.max(trimmed.lastIndexOf('#'), trimmed.lastIndexOf(':')) + 1).toLowerCase();
}

const CIPHERS = new Map<string, CipherSpec>();
for (const bits of [128, 192, 256]) {
  const keyLengths = [bits / 8];
  CIPHERS.set(`aes${bits}-cbc`, { kind: 'cbc', name: `aes${bits}-cbc`, nodeCipher: () => `aes-${bits}-cbc`, keyLengths, ivLength: 16 });
  CIPHERS.set(`aes${bits}-gcm`, { kind: 'gcm', name: `aes${bits}-gcm`, nodeCipher: `aes-${bits}-gcm`, keyLengths });
  CIPHERS.set(`camellia${bits}-cbc`, {
    kind: 'cbc', name: `camellia${bits}-cbc`, nodeCipher: () => `camellia-${bits}-cbc`, keyLengths, ivLength: 16,
  });
  CIPHERS.set(`kw-aes${bits}`, { kind: 'key-wrap', name: `kw-aes${bits}`, ecbCipher: `aes-${bits}-ecb`, keyLengths });
  CIPHERS.set(`kw-camellia${bits}`, { kind: 'key-wrap', name: `kw-camellia${bits}`, ecbCipher: `camellia-${bits}-ecb`, keyLengths });
}
CIPHERS.set('tripledes-cbc', {
  kind: 'cbc', name: 'tripledes-cbc', nodeCipher: (length) => (length === 16 ? 'des-ede-cbc' : 'des-ede3-cbc'), keyLengths: [16, 24], ivLength: 8,
});
CIPHERS.set('kw-tripledes', { kind: 'tripledes-key-wrap', name: 'kw-tripledes', keyLengths: [16, 24] });
for (const name of ['rsa-1_5', 'rsa-oaep-mgf1p', 'rsa-oaep']) CIPHERS.set(name, { kind: 'asymmetric', name });

/** The cipher an EncryptionMethod names, or undefined when tokengate does not know it. */
export function cipherFor(algorithmUri: string): CipherSpec | undefined {
  return CIPHERS.get(algorithmFragment(algorithmUri));
}

const HMAC_HASHES: Record<string, string> = {
  'hmac-sha1': 'sha1', 'hmac-sha224': 'sha224', 'hmac-sha256': 'sha256', 'hmac-sha384': 'sha384', 'hmac-sha512': 'sha512',
};

/** node:crypto's hash name for a MACMethod or PBKDF2 PRF algorithm, undefined when unsupported. */
export function hmacHashFor(algorithmUri: string): string | undefined {
  return HMAC_HASHES[algorithmFragment(algorithmUri)];
}

/** HOTP or TOTP for the key algorithms that are OTP tokens; undefined for PIN, OCRA and the rest. */
export function otpTypeFor(keyAlgorithmUri: string): 'HOTP' | 'TOTP' | undefined {
  const fragment = algorithmFragment(keyAlgorithmUri);
  if (fragment === 'hotp') return 'HOTP';
  if (fragment === 'totp') return 'TOTP';
  return undefined;
}

export const PBKDF2_ALGORITHM_FRAGMENT = 'pbkdf2';
