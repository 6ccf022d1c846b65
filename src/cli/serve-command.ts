import type { Command } from 'commander';
import { loadConfig } from '../config';
import { startServer } from '../server';

export function registerServeCommand(program: Command): void {
  program.command('serve', { isDefault: true }).description('migrate, then serve').action(async () => {
    const server = await startServer(loadConfig());
    console.log(`tokengate listening on ${server.url}`);
    const stop = async (signal: string) => {
      server.log.info({ signal }, 'shutting down');
      try {
        await server.close();
        process.exit(0);
      } catch (err) {
        server.log.error({ err }, 'shutdown failed');
        process.exit(1);
      }
    };
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
  });
}
