import { randomUUID } from 'node:crypto';
import type { Database } from '../db';
import type { Logger } from 'pino';
import { callerLabel, type Caller, type Clock, type MethodConfig, type MethodContext, type MethodSettings, type ServerKeys } from '../contract/method';
import { collectList, isStreamedList } from '../contract/streamed-list';
import { AppError, E, isDatabaseUnavailable } from '../errors';
import { authorize } from './authorize';
import { exposeError } from './error-out';
import { assertDepth, MAX_PARAMS_DEPTH } from './json-limits';
import { expandDottedKeys, isPlainObject } from './normalize';
import { projectResult, ReturnSpec } from './project';
import type { Registry } from './registry';
import type { AuditEntry } from '../services/audit/audit-log';

/** A finished call as the audit log and the metrics take it: the audit log's own entry. */
export type CallRecord = AuditEntry;

export interface PipelineDeps {
  registry: Registry;
  dataSource: Database;
  keys: ServerKeys;
  log: Logger;
  /** The settings every method is handed as ctx.config. */
  config: MethodConfig;
  /** Handed to every method (MethodContext.clock). */
  clock: Clock;
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

/**
 * A request that is not a method but is a security event all the same (GET /download
 * handing out a seed): it runs the pipeline's tail — its work in one transaction, errors
 * exposed as for methods, then the audit row and metrics, before the reply goes out.
 */
export interface RouteCall<R> {
  /** The audit log's method column, e.g. "/download". */
  name: string;
  /** null: the request itself is the credential (a download link's code). */
  caller: Caller | null;
  correlationId?: string;
  /** The work, in one transaction; `target` names what the audit row is about once it is known. */
  run: (db: MethodContext['db'], audit: { target(value: string): void }) => Promise<R>;
}

/**
 * A request a protocol front-end answered itself (RADIUS: an Access-Request, a dropped
 * packet), whose outcome is an answer rather than an error: recorded, logged and counted
 * as every call is.
 */
export interface FinishedCall {
  /** The audit log's method column, e.g. "radius/access". */
  name: string;
  caller: Caller | string | null;
  target?: string;
  outcome: 'ok' | 'error';
  errorName?: string;
  /** performance.now() when the request came in. */
  started: number;
  details?: Record<string, string>;
  correlationId?: string;
}

export interface Pipeline {
  /** One method call, whatever transport carried it. */
  (call: Call): Promise<unknown>;
  /** One request of a route that is not a method (RouteCall). */
  route<R>(call: RouteCall<R>): Promise<R>;
  /** A request a front-end answered (FinishedCall); never fails: a record that cannot be written is logged. */
  record(call: FinishedCall): Promise<void>;
}

/**
 * authenticate → find the method → bound the depth → expand dotted keys → validate → authorise →
 * handler in one transaction → project through `return` → audit. Every outcome,
 * success or failure, is recorded; only AppErrors leave.
 */
export function createPipeline(deps: PipelineDeps): Pipeline {
  const { registry, dataSource, keys, config } = deps;

  const invoke = async function invoke(call: Call): Promise<unknown> {
    const started = performance.now();
    const correlationId = call.correlationId ?? randomUUID();
    const log = lazyCallLog(deps.log, correlationId);
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
        params: handlerParams, caller: caller!, db, keys, config, settings: call.settings, clock: deps.clock, users: deps.users, upload: call.upload,
      });
      result = (entry.module.transaction ?? 'call') === 'call' ? await dataSource.transaction(run) : await run(dataSource);
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

    function record(outcome: 'ok' | 'error', errorName?: string) {
      const module = registry.get(call.methodName)?.module;
      const target = module?.auditTarget?.(params, result) ?? defaultTarget(params, result);
      return recordCall(deps, log, { started, caller, method: call.methodName, target, outcome, errorName });
    }
  };

  async function route<R>(call: RouteCall<R>): Promise<R> {
    const started = performance.now();
    const correlationId = call.correlationId ?? randomUUID();
    const log = lazyCallLog(deps.log, correlationId);
    let target: string | undefined;
    const done = (outcome: 'ok' | 'error', errorName?: string) =>
      recordCall(deps, log, { started, caller: call.caller, method: call.name, target, outcome, errorName });
    try {
      const result = await dataSource.transaction((db) => call.run(db, { target: (value) => { target = value; } }));
      await done('ok');
      return result;
    } catch (err) {
      const exposed = exposeError(err, log, { route: call.name }, correlationId);
      await done('error', exposed.errorName);
      throw exposed;
    }
  }

  function record(call: FinishedCall): Promise<void> {
    return recordCall(deps, lazyCallLog(deps.log, call.correlationId ?? randomUUID()), { ...call, method: call.name, target: call.target });
  }

  return Object.assign(invoke, { route, record });
}

/** A call's logger, made on first use: a child logger costs a redaction setup, and most calls log nothing. */
function lazyCallLog(log: Logger, correlationId: string): () => Logger {
  let callLog: Logger | undefined;
  return () => (callLog ??= log.child({ correlationId }));
}

/** The one place a finished call (method or route) is logged and handed to the audit log and metrics. */
async function recordCall(
  deps: PipelineDeps, log: () => Logger,
  done: {
    started: number; caller: Caller | string | null; method: string; target: string | undefined; outcome: 'ok' | 'error'; errorName?: string;
    details?: Record<string, string>;
  },
): Promise<void> {
  const { started, caller, method, target, outcome, errorName, details } = done;
  const durationMs = performance.now() - started;
  // Never the params: they may hold secrets the redaction rules do not know by name.
  if (deps.log.isLevelEnabled('debug')) log().debug({ method, outcome, errorName, durationMs, caller: callerLabel(caller) }, 'call');
  try {
    await deps.onCallDone({ time: new Date(), caller, method, target, outcome, errorName, durationMs, details });
  } catch (err) {
    // During an outage the call itself already answered SERVICE_UNAVAILABLE and said so.
    if (isDatabaseUnavailable(err)) log().warn({ method }, 'could not record the call: database unavailable');
    else log().error({ err, method }, 'could not record the call');
  }
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
  return found === undefined ? undefined : String(found);
}
