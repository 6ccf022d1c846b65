import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { callerLabel, type Caller, type MethodContext, type MethodSettings, type ServerKeys } from '../contract/method';
import type { RateLimitSettings } from '../services/rate-limit';
import { collectList, isStreamedList } from '../contract/streamed-list';
import { AppError, E, isDatabaseUnavailable } from '../errors';
import { authorize } from './authorize';
import { exposeError } from './error-out';
import { assertDepth, MAX_PARAMS_DEPTH } from './json-limits';
import { expandDottedKeys, isPlainObject } from './normalize';
import { projectResult, ReturnSpec } from './project';
import type { Registry } from './registry';

export interface CallRecord {
  time: Date;
  caller: Caller | null;
  method: string;
  target: string | undefined;
  outcome: 'ok' | 'error';
  errorName: string | undefined;
  durationMs: number;
}

export interface PipelineDeps {
  registry: Registry;
  dataSource: DataSource;
  keys: ServerKeys;
  log: Logger;
  /** Handed to every method (MethodContext.rateLimits). */
  rateLimits: RateLimitSettings;
  /** Handed to every method (MethodContext.userTokenMaxTtl). */
  userTokenMaxTtl: number;
  /** Handed to every method (MethodContext.users). */
  users: MethodContext['users'];
  /** Every finished call, success or failure: the audit log and metrics. */
  onCallDone: (record: CallRecord) => Promise<void> | void;
}

export interface Call {
  methodName: string;
  params: unknown;
  authenticate: () => Promise<Caller | null>;
  settings: MethodSettings;
  upload?: MethodContext['upload'];
  /** The transport writes a StreamedList result as it reads it; otherwise it is collected first. */
  streamsLists?: boolean;
  /** Ties the call's log lines and an INTERNAL reply together; generated when absent. */
  correlationId?: string;
}

export type Pipeline = (call: Call) => Promise<unknown>;

/**
 * authenticate → find the method → bound the depth → expand dotted keys → validate → authorise →
 * handler in one transaction → project through `return` → audit. Every outcome,
 * success or failure, is recorded; only AppErrors leave.
 */
export function createPipeline(deps: PipelineDeps): Pipeline {
  const { registry, dataSource, keys } = deps;

  return async function invoke(call) {
    const started = performance.now();
    const correlationId = call.correlationId ?? randomUUID();
    // A child logger costs a redaction setup per call: made only when something is logged.
    let callLog: Logger | undefined;
    const log = () => (callLog ??= deps.log.child({ correlationId }));
    let caller: Caller | null = null;
    let params: Record<string, unknown> = {};
    let result: unknown;
    try {
      caller = await call.authenticate();
      if (!caller) throw AppError.of(E.UNAUTHENTICATED);
      const entry = registry.get(call.methodName);
      if (!entry) throw AppError.of(E.METHOD_NOT_FOUND, { method: call.methodName });
      params = normalizeParams(call.params);
      entry.validate(params);
      authorize(caller, entry.module);
      const { return: returnSpec, ...handlerParams } = params;
      const run = (db: MethodContext['db']) => entry.module.handler({
        params: handlerParams, caller: caller!, db, keys, settings: call.settings, rateLimits: deps.rateLimits, userTokenMaxTtl: deps.userTokenMaxTtl, users: deps.users, upload: call.upload,
      });
      result = (entry.module.transaction ?? 'call') === 'call' ? await dataSource.transaction(run) : await run(dataSource.manager);
      if (isStreamedList(result) && !call.streamsLists) result = await collectList(result);
      const projected = projectResult(result, returnSpec as ReturnSpec | undefined);
      await record('ok');
      return projected;
    } catch (err) {
      if (isStreamedList(result)) await result.close().catch(() => {});
      const exposed = exposeError(err, log, { method: call.methodName }, correlationId);
      await record('error', exposed.errorName);
      throw exposed;
    }

    async function record(outcome: 'ok' | 'error', errorName?: string) {
      const module = registry.get(call.methodName)?.module;
      const target = module?.auditTarget?.(params, result) ?? defaultTarget(params, result);
      const durationMs = performance.now() - started;
      // Never the params: they may hold secrets the redaction rules do not know by name.
      if (deps.log.isLevelEnabled('debug')) log().debug({ method: call.methodName, outcome, errorName, durationMs, caller: callerLabel(caller) }, 'call');
      try {
        await deps.onCallDone({
          time: new Date(), caller, method: call.methodName, target, outcome, errorName, durationMs,
        });
      } catch (err) {
        // During an outage the call itself already answered SERVICE_UNAVAILABLE and said so.
        if (isDatabaseUnavailable(err)) log().warn({ method: call.methodName }, 'could not record the call: database unavailable');
        else log().error({ err, method: call.methodName }, 'could not record the call');
      }
    }
  };
}

function normalizeParams(raw: unknown): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  if (!isPlainObject(raw)) throw AppError.of(E.INVALID_PARAMS, { errors: [{ path: '/', message: 'params must be an object' }] });
  // Before anything recurses over the params (expansion, ajv, the `return` projection).
  assertDepth(raw, MAX_PARAMS_DEPTH);
  return expandDottedKeys(raw) as Record<string, unknown>;
}

/** Methods name their own target (auditTarget) when it is not an id or uuid. */
function defaultTarget(params: Record<string, unknown>, result: unknown): string | undefined {
  const candidates = [params.id, params.uuid, isPlainObject(result) ? result.id ?? result.uuid : undefined];
  const found = candidates.find((c) => typeof c === 'string' || typeof c === 'number');
  return found === undefined ? undefined : String(found).slice(0, 200);
}
