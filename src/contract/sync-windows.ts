/**
 * How far /token/syncToken searches (SPEC): an HOTP token up to 1000 counters ahead of the
 * next expected one, a TOTP token ±24 hours around now. The OTP math (domain/otp) and the
 * sync service both use these.
 */
export const HOTP_SYNC_WINDOW = 1000;
export const TOTP_SYNC_WINDOW_SECONDS = 24 * 3600;
