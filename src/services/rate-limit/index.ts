export { checkRateLimit, consumeRateLimit, countAttempts } from './rate-limit';
export type { BucketState, RateLimit } from './rate-limit';
export { parseRateLimit, rateLimitSettings } from './settings';
export type { RateLimitSettings } from './settings';
export { createCredentialGuard } from './credential-guard';
export { closeRateLimitPool } from './side-pool';
