import pino, { DestinationStream, Logger } from 'pino';

/**
 * Structured logs. Secrets are redacted by rule: any field whose name says it holds
 * one, wherever it sits, plus the credential headers.
 */
export const REDACTED_FIELDS = ['key', 'token', 'seed', 'secret', 'pin', 'password', 'passphrase', 'psk', 'csv', 'data', 'credential', 'otp', 'authorization', 'meshblu_auth_token'];

/** `destination` defaults to stdout; tests pass a stream to read what was written. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    redact: {
      paths: [
        ...REDACTED_FIELDS, ...REDACTED_FIELDS.map((f) => `*.${f}`), ...REDACTED_FIELDS.map((f) => `*.*.${f}`),
        ...REDACTED_FIELDS.map((f) => `*.*.*.${f}`),
        'req.headers.authorization', 'req.headers["meshblu_auth_token"]', 'err.parameters', 'err.driverError.parameters',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
