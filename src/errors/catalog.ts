/**
 * The error catalog (SPEC section 5): the one place where an error's stable name,
 * its number (the same in both envelopes) and its HTTP status are decided.
 * JSON-RPC's own errors keep their negative codes; application errors are positive.
 */
export interface ErrorDef {
  readonly name: string;
  readonly code: number;
  readonly status: number;
  readonly message: string;
}

const def = (code: number, status: number, message: string) => ({ code, status, message });

const DEFS = {
  PARSE_ERROR: def(-32700, 400, 'The body is not valid JSON'),
  INVALID_REQUEST: def(-32600, 400, 'The request is not a valid call'),
  METHOD_NOT_FOUND: def(-32601, 404, 'No such method'),
  INVALID_PARAMS: def(-32602, 400, 'The parameters do not match the method schema'),
  INTERNAL: def(-32603, 500, 'Internal error'),

  QUERY_FIELD_NOT_ALLOWED: def(1001, 400, 'A field the method does not take'),
  TOKEN_DURATION_INVALID: def(1002, 400, 'ttl must be a positive integer number of seconds within the allowed maximum'),
  TOKEN_EXPIRATION_TYPE_INVALID: def(1003, 400, 'expiryType must be Infinite, FixedTtl or SlidingTtl'),
  USER_INVALID: def(1004, 400, 'The user id is malformed or was never issued'),
  ECOSYSTEM_INVALID: def(1005, 400, 'The ecosystem id is malformed or was never issued'),
  CREDENTIAL_INVALID: def(1006, 400, 'The credential is malformed'),
  CSV_INVALID: def(1007, 400, 'The CSV text is invalid'),
  IMPORT_FILE_INVALID: def(1008, 400, 'The import file is invalid'),
  EXPIRES_AT_IN_PAST: def(1009, 400, 'expiresAt lies in the past'),
  /** A share token's PIN (passwordIsPin), as the SPEC names it. */
  PIN_INVALID: def(1010, 400, 'The PIN must be 4 to 16 digits'),
  PERSONALIZATION_MUST_BE_INHERITED: def(1011, 400, "The token must be personalized for the template's identity"),
  PASSWORD_PROTECTION_MUST_BE_INHERITED: def(1012, 400, "The token must carry the template's password protection"),
  CANNOT_CREATE_TOKEN_FOR_PEER_TEMPLATE: def(1013, 400, 'Tokens can only be created for your own templates'),
  BODY_TOO_LARGE: def(1014, 413, 'The body is too large'),
  UNSUPPORTED_MEDIA_TYPE: def(1015, 415, 'Unsupported content type'),
  /** An OTP token's PIN (/token/create, /token/assign, batch assignment): another rule than PIN_INVALID's. */
  TOKEN_PIN_INVALID: def(1016, 400, 'The token PIN must be 4 to 32 printable characters without spaces'),

  UNAUTHENTICATED: def(2001, 401, 'Missing, unknown or revoked credentials'),
  AUTH_FAILED: def(2002, 401, 'Authentication failed'),

  FORBIDDEN: def(3001, 403, 'The caller may not call this method'),
  TOKEN_CONFINED: def(3002, 403, 'The token is confined and cannot be downloaded'),
  TOKEN_NOT_DOWNLOADABLE: def(3003, 403, 'Hardware tokens cannot be downloaded'),
  PASSWORD_INVALID: def(3004, 403, 'The password is wrong'),

  USER_NOT_FOUND: def(4001, 404, 'User not found'),
  ECOSYSTEM_NOT_FOUND: def(4002, 404, 'Ecosystem not found'),
  DOMAIN_NOT_FOUND: def(4003, 404, 'Domain not found'),
  PRODUCT_NOT_FOUND: def(4004, 404, 'Product not found'),
  REPOSITORY_NOT_FOUND: def(4005, 404, 'Repository not found'),
  TOKEN_NOT_FOUND: def(4006, 404, 'Token not found'),
  DEVICE_NOT_FOUND: def(4007, 404, 'Device not found'),
  TEMPLATE_NOT_FOUND: def(4008, 404, 'Template not found'),
  NOT_FOUND: def(4009, 404, 'Not found'),
  RADIUS_CLIENT_NOT_FOUND: def(4010, 404, 'RADIUS client not found'),

  SERIAL_DUPLICATE: def(5001, 409, 'A token with this serial already exists'),
  TOKEN_ALREADY_ASSIGNED: def(5002, 409, 'The token is already assigned'),
  DOMAIN_NOT_EMPTY: def(5003, 409, 'The domain still has users'),
  CONFLICT: def(5004, 409, 'The change conflicts with existing data'),
  /** A domain whose users live in a directory (SPEC §11): they are never created by hand. */
  DOMAIN_READ_ONLY: def(5005, 409, "The domain's users come from its directory and cannot be created here"),

  DOWNLOAD_LINK_EXPIRED: def(6001, 410, 'The download link was used or has expired'),

  SYNC_FAILED: def(7001, 422, 'The two OTPs were not found within the sync window'),
  BATCH_REJECTED: def(7002, 422, 'The batch was rejected; nothing was written'),

  AUTH_LOCKED: def(8001, 423, 'The token is locked after too many failures'),
  RATE_LIMITED: def(8002, 429, 'Too many attempts; retry later'),

  SERVICE_UNAVAILABLE: def(9001, 503, 'The service is unavailable; retry later'),
} satisfies Record<string, Omit<ErrorDef, 'name'>>;

export type ErrorName = keyof typeof DEFS;

/** E.TOKEN_CONFINED etc.: every catalog entry, carrying its own name. */
export const E = Object.fromEntries(
  Object.entries(DEFS).map(([name, d]) => [name, { name, ...d }]),
) as { readonly [K in ErrorName]: ErrorDef & { name: K } };

export function findErrorDef(name: string): ErrorDef | undefined {
  return (E as Record<string, ErrorDef>)[name];
}
