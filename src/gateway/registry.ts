import type { MethodModule } from '../contract/method';

export interface RegisteredMethod {
  readonly module: MethodModule;
  readonly validate: (params: unknown) => void;
}

export type Registry = ReadonlyMap<string, RegisteredMethod>;

/**
 * The lookup table of the dispatcher, filled from the explicit list app.ts hands in.
 * Start-up fails on a duplicate name or a method without its schema, so neither can ship.
 */
export function createRegistry(
  methods: readonly MethodModule[],
  compileSchema: (methodName: string) => (params: unknown) => void,
): Registry {
  const registry = new Map<string, RegisteredMethod>();
  for (const module of methods) {
    if (!/^\/[a-zA-Z]+\/[a-zA-Z]+$/.test(module.name)) throw new Error(`bad method name ${module.name}`);
    if (registry.has(module.name)) throw new Error(`method ${module.name} registered twice`);
    registry.set(module.name, { module, validate: compileSchema(module.name) });
  }
  return registry;
}
