import type { Database } from '../db';
import { systemClock, type Caller, type MethodModule, type ServerKeys } from '../contract/method';
import { defaultConfig } from '../config';
import { isAppError } from '../errors';
import { methodGateway } from '../gateway/method-gateway';
import { createLogger } from '../log';
import { AuditWriter } from '../services/audit/audit-writer';
import { UserResolver } from '../services/directory/user-resolver';

/** Whoever runs the CLI on the database's host: every scope, recorded as `operator:cli`. */
export const CLI_OPERATOR: Caller = { kind: 'operator', name: 'cli' };

export type OperatorCall = (methodName: string, params: unknown) => Promise<unknown>;

/**
 * The CLI's admin commands as method calls through the one pipeline (validation against
 * the method's schema, one transaction, the audit row), made by the operator. Only the
 * methods given are reachable. A refusal is thrown as an Error whose message is the
 * catalog name, the message and any per-field reasons, for the console.
 */
export function operatorCalls(dataSource: Database, keys: ServerKeys, methods: readonly MethodModule[]): OperatorCall {
  const audit = new AuditWriter(dataSource);
  const { rateLimits, userTokenMaxTtl } = defaultConfig();
  const { pipeline } = methodGateway(methods, {
    dataSource, keys, log: createLogger('error', process.stderr), config: { rateLimits, userTokenMaxTtl }, clock: systemClock,
    users: new UserResolver(keys.masterKey), // the apikey methods name no user: no directory is ever opened
    onCallDone: (record) => audit.write(record),
  });
  return async (methodName, params) => {
    try {
      return await pipeline({ methodName, params, authenticate: async () => CLI_OPERATOR, settings: { baseUrl: '' } });
    } catch (err) {
      if (!isAppError(err)) throw err;
      const reasons = ((err.data?.errors ?? []) as { path?: string; message?: string }[]).map((e) => `${e.path ?? ''} ${e.message ?? ''}`.trim());
      throw new Error([`${err.errorName}: ${err.message}`, ...reasons].join('\n  '), { cause: err });
    }
  };
}
