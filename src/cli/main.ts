#!/usr/bin/env node
import { Command } from 'commander';

type Register = (program: Command) => void;

/**
 * Which module defines which top-level commands. Only the named command's module is
 * loaded, so `tokengate call` (HTTP only) never pays for TypeORM, pg or the services;
 * help, no command (serve) and unknown names load what they need to answer.
 */
const COMMAND_MODULES: { names: string[]; load: () => Promise<Register> }[] = [
  { names: ['serve'], load: async () => (await import('./serve-command')).registerServeCommand },
  { names: ['migrate', 'apikey'], load: async () => (await import('./admin-commands')).registerAdminCommands },
  { names: ['import', 'rotate-master-key'], load: async () => (await import('./token-commands')).registerTokenCommands },
  { names: ['batch-assign'], load: async () => (await import('./batch-commands')).registerBatchCommands },
  { names: ['call', 'user', 'token', 'radius-client'], load: async () => (await import('./client-commands')).registerClientCommands },
];

/** The modules to load for these arguments: the one owning the command, or all of them (help, serve by default, a typo). */
export function modulesFor(args: readonly string[]) {
  const name = args.find((a) => !a.startsWith('-'));
  const owner = name === undefined ? undefined : COMMAND_MODULES.find((m) => m.names.includes(name));
  return owner ? [owner] : COMMAND_MODULES;
}

async function main(): Promise<void> {
  const program = new Command('tokengate').description('tokengate token server');
  for (const module of modulesFor(process.argv.slice(2))) (await module.load())(program);
  await program.parseAsync(process.argv);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
