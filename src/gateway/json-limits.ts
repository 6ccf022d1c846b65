import { AppError, E } from '../errors';

/**
 * Deepest nesting accepted in a call's params, as they are after dotted-key expansion.
 * Nothing in the schemas comes near it (template `content` is the deepest free-form
 * value); it exists so that client data can never drive a recursion (ajv, the `return`
 * projection, dotted-key expansion, JSON.stringify) into a stack overflow.
 */
export const MAX_PARAMS_DEPTH = 32;

/** A JSON-RPC message wraps params in a call object, and a batch wraps calls in an array. */
export const RPC_ENVELOPE_DEPTH = 2;

interface Frame { value: object; level: number; parent: Frame | null; key: string }

/**
 * Where `value` first nests deeper than `max` levels, as a JSON pointer; null when it
 * does not. The outermost object or array is level 1. A dotted key ("user.domain.name")
 * counts the levels it expands to, so the bound still holds after expandDottedKeys.
 * Iterative with an explicit stack: a 200,000-level body costs a loop, not the call stack.
 */
export function findTooDeep(value: unknown, max: number): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const stack: Frame[] = [{ value, level: 1, parent: null, key: '' }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (frame.level > max) return pointerOf(frame);
    for (const [key, child] of Object.entries(frame.value)) {
      const extra = Array.isArray(frame.value) ? 0 : countDots(key);
      if (frame.level + extra > max) return pointerOf({ value: {}, level: frame.level + extra, parent: frame, key });
      if (typeof child === 'object' && child !== null) {
        stack.push({ value: child, level: frame.level + extra + 1, parent: frame, key });
      }
    }
  }
  return null;
}

/** INVALID_PARAMS for a body or params nested deeper than `max`. */
export function tooDeepError(path: string, max: number): AppError {
  const message = `nested deeper than ${max} levels`;
  return AppError.of(E.INVALID_PARAMS, { max, errors: [{ path, message }] }, `The parameters are ${message}`);
}

/** Throws INVALID_PARAMS when `value` nests deeper than `max`. */
export function assertDepth(value: unknown, max: number): void {
  const path = findTooDeep(value, max);
  if (path !== null) throw tooDeepError(path, max);
}

/**
 * JSON text of a request body or a socket message. Malformed text is PARSE_ERROR. V8's
 * parser is itself iterative today, but a RangeError (a parser that recursed and ran out
 * of stack) means valid JSON nested too deep, a client's error: INVALID_PARAMS, not INTERNAL.
 */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    if (err instanceof RangeError) throw tooDeepError('/', MAX_PARAMS_DEPTH);
    throw AppError.of(E.PARSE_ERROR);
  }
}

function countDots(key: string): number {
  let dots = 0;
  for (let i = key.indexOf('.'); i >= 0; i = key.indexOf('.', i + 1)) dots++;
  return dots;
}

function pointerOf(frame: Frame): string {
  const parts: string[] = [];
  for (let f: Frame | null = frame; f && f.parent; f = f.parent) parts.push(f.key.replace(/~/g, '~0').replace(/\//g, '~1'));
  return parts.length ? `/${parts.reverse().join('/')}` : '/';
}
