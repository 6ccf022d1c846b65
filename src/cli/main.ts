#!/usr/bin/env node
import { Command } from 'commander';
import { registerAdminCommands } from './admin-commands';
import { registerBatchCommands } from './batch-commands';
import { registerClientCommands } from './client-commands';
import { registerServeCommand } from './serve-command';
import { registerTokenCommands } from './token-commands';

/** `tokengate …`: serve, migrate, apikey, import, batch-assign, rotate-master-key. */
const program = new Command('tokengate').description('tokengate token server');
registerServeCommand(program);
registerAdminCommands(program);
registerTokenCommands(program);
registerBatchCommands(program);
registerClientCommands(program);
program.parseAsync(process.argv).catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
