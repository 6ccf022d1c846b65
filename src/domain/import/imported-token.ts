import type { OtpAlgorithm } from '../otp';

/** One hardware token read from a seed file, checked and ready to be stored. */
export interface ImportedToken {
  /** 1-based: the key's index in a PSKC file, the token's in DualShield XML, the line number in CSV */
  position: number;
  serial: string;
  secret: Buffer;
  type: 'HOTP' | 'TOTP';
  algorithm: OtpAlgorithm;
  digits: number;
  /** HOTP next counter (0 for TOTP): 64-bit (RFC 4226), so a bigint */
  counter: bigint;
  /** TOTP seconds per step (0 for HOTP) */
  period: number;
  issuer?: string;
  manufacturer?: string;
  model?: string;
}

export type ImportFormat = 'pskc' | 'dualshield-xml' | 'oath-csv';

/** What opens an encrypted PSKC file: a pre-shared key (hex) or a PBKDF2 passphrase. */
export interface ImportKeys {
  psk?: string;
  passphrase?: string;
}
