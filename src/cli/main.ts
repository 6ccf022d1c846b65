#!/usr/bin/env node
import { Command } from 'commander';
import { registerAdminCommands } from './admin-commands';
import { registerServeCommand } from './serve-command';

/** `tokengate …`: serve, migrate, apikey, import, batch-assign, rotate-master-key. */
const program = new Command('tokengate').description('tokengate token server');
registerServeCommand(program);
registerAdminCommands(program);
program.parseAsync(process.argv).catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
