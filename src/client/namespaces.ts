import { methodNames } from './generated/params';
import type { Invoke, Mode, Namespaces } from './types';

/**
 * One function per method of the contract, grouped by object: "/token/create" becomes
 * ns.token.create(params). Built from the generated list of method names, so a new
 * schema gets its function without anyone writing it.
 */
export function buildNamespaces<W extends Mode>(invoke: Invoke<W>): Namespaces<W> {
  const namespaces: Record<string, Record<string, (params?: unknown) => unknown>> = {};
  for (const name of methodNames) {
    const [, object, method] = name.split('/');
    (namespaces[object] ??= {})[method] = (params?: unknown) => invoke(name, params as never);
  }
  return namespaces as unknown as Namespaces<W>;
}
