import type { RateLimit } from './rate-limit';

/** The limits an operator can set, with their environment variable and default. */
const SETTINGS = {
  /** Failed credential checks (API key or device) from one client IP. */
  authFailuresPerIp: { env: 'TOKENGATE_RATE_LIMIT_AUTH_IP', fallback: '100/300' },
  /** Failed credential checks naming one device uuid, from anywhere. */
  authFailuresPerDevice: { env: 'TOKENGATE_RATE_LIMIT_AUTH_DEVICE', fallback: '20/300' },
  /** Failed /auth/verify calls for one user (the token's own maxFail lock comes on top). */
  verifyFailuresPerUser: { env: 'TOKENGATE_RATE_LIMIT_VERIFY', fallback: '20/300' },
  /** Password guesses per share token and calling identity (/relationshipTemplate/loadToken). */
  passwordFailuresPerToken: { env: 'TOKENGATE_RATE_LIMIT_PASSWORD', fallback: '5/900' },
} as const;

export type RateLimitSettings = { readonly [K in keyof typeof SETTINGS]: RateLimit | null };

/** Every limit from the environment: "<attempts>/<seconds>", or "off" for none. Throws on nonsense. */
export function rateLimitSettings(env: NodeJS.ProcessEnv = process.env): RateLimitSettings {
  const out: Record<string, RateLimit | null> = {};
  for (const [key, { env: name, fallback }] of Object.entries(SETTINGS)) out[key] = parseRateLimit(name, env[name] || fallback);
  return out as RateLimitSettings;
}

export function parseRateLimit(name: string, raw: string): RateLimit | null {
  const text = raw.trim();
  if (/^(off|0)$/i.test(text)) return null;
  const m = /^(\d{1,9})\s*\/\s*(\d{1,7})s?$/.exec(text);
  const limit = Number(m?.[1]);
  const windowSeconds = Number(m?.[2]);
  if (!m || limit < 1 || windowSeconds < 1) throw new Error(`${name} must be "<attempts>/<seconds>" (e.g. 20/300) or "off", got "${raw}"`);
  return { limit, windowSeconds };
}
