/**
 * The gateway checks credentials; the rate-limit service limits failed checks. Both speak
 * these types, defined once here so neither imports the other.
 */

/** Where a credential check comes from. */
export interface CredentialSource { clientIp: string; deviceUuid?: string }

export interface CredentialGuard {
  /** Throws (RATE_LIMITED) when this source may not present credentials now. */
  beforeCheck(source: CredentialSource): void;
  /** Counts a failed check; throws (RATE_LIMITED) when the source went over its limit. */
  afterFailure(source: CredentialSource): Promise<void>;
}
