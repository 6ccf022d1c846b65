import type { MethodModule } from '../contract/method';
import { createPipeline, Pipeline, PipelineDeps } from './pipeline';
import { createRegistry, Registry } from './registry';
import { SCHEMA_DIR } from './schema-dir';
import { createValidator } from './validation';

/**
 * The methods behind their schemas and the one pipeline, composed in one place for every
 * way in: the HTTP app (app.ts) and the CLI's operator calls (cli/operator-calls.ts).
 */
export function methodGateway(methods: readonly MethodModule[], deps: Omit<PipelineDeps, 'registry'>): { registry: Registry; pipeline: Pipeline } {
  const validator = createValidator(SCHEMA_DIR);
  const registry = createRegistry(methods, (name) => validator.compile(name));
  return { registry, pipeline: createPipeline({ ...deps, registry }) };
}
