import type { Command } from 'commander';

export function registerBatchCommands(_program: Command): void {
  // filled in by its issue
}
