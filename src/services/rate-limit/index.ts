export { checkRateLimit, clearRateLimits, consumeRateLimit, countAttempts, countOneAttemptCte, joinRateLimitState, throwIfOverLimit } from './rate-limit';
export type { BucketState, JoinedLimitState, RateLimit } from './rate-limit';
export type { RateLimitSettings } from '../../config';
export { createCredentialGuard, deviceFailureBucket } from './credential-guard';
