import type { OtpAlgorithm } from './otp-code';
import { hotpType } from './hotp-type';
import { totpType } from './totp-type';

/**
 * One home per token type (privacyIDEA's hotptoken.py / totptoken.py, without the 1,000
 * lines): what a code means for the token's state. Verify, sync and retrieveCredential ask
 * the token's type instead of branching on `type === 'HOTP'` each in their own way.
 */

/** What a token's type needs to know about it. */
export interface OtpToken {
  algorithm: OtpAlgorithm;
  digits: number;
  /** TOTP seconds per step */
  period: number;
  /** the product's look-ahead (HOTP counters) or ±steps (TOTP) for /auth/verify */
  authWindow: number;
  /** HOTP: the next counter expected */
  counter: bigint;
  /** TOTP: the token's clock offset in steps */
  drift: number;
  /** TOTP: the last step accepted (never accepted again) */
  lastStep: number | null;
}

/** The part of a token a code moves. A type leaves the fields it does not use as they were. */
export interface OtpState { counter: bigint; drift: number; lastStep: number | null }

export interface OtpTypeRules {
  /** The state after accepting `otp` at `nowSeconds`, or null when it is not a valid code now. */
  verify(secret: Buffer, otp: string, token: OtpToken, nowSeconds: number): OtpState | null;
  /** The state after two consecutive codes re-align the token, or null when they do not. */
  sync(secret: Buffer, otp1: string, otp2: string, token: OtpToken, nowSeconds: number): OtpState | null;
  /** What /token/syncToken answers about the new state: what moved. */
  syncReply(state: OtpState): { counter: number | string } | { drift: number };
  /** Codes for delivery (nothing consumed): HOTP the next `count`, TOTP the current step's one. */
  codes(secret: Buffer, token: OtpToken, count: number, nowSeconds: number): string[];
}

export type OtpTypeName = 'HOTP' | 'TOTP';

const TYPES: Readonly<Record<OtpTypeName, OtpTypeRules>> = { HOTP: hotpType, TOTP: totpType };

export function otpType(type: OtpTypeName): OtpTypeRules {
  return TYPES[type];
}
