/**
 * The longest ttl /user/createToken accepts, in seconds: TOKENGATE_USER_TOKEN_MAX_TTL,
 * default one year. Read once when the server loads, so a bad value stops the start
 * instead of failing calls later. The column is an int, hence the hard ceiling.
 */
export const DEFAULT_USER_TOKEN_MAX_TTL = 365 * 24 * 3600;
const CEILING = 2_147_483_647;

export function parseUserTokenMaxTtl(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return DEFAULT_USER_TOKEN_MAX_TTL;
  const value = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || value < 1 || value > CEILING) {
    throw new Error(`TOKENGATE_USER_TOKEN_MAX_TTL must be a whole number of seconds from 1 to ${CEILING}, got "${raw}"`);
  }
  return value;
}

export const USER_TOKEN_MAX_TTL = parseUserTokenMaxTtl(process.env.TOKENGATE_USER_TOKEN_MAX_TTL);
