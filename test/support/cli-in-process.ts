import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { startTestServer, TestServer } from './server';

export interface CliHarness {
  /** The server on the database the commands use (set in beforeAll). */
  readonly s: TestServer;
  /** A scratch directory, removed afterwards (TOKENGATE_DATA_DIR). */
  readonly dir: string;
  /** Runs `tokengate <args…>` in-process; what it printed (console.log, and console.error unless withErrors is false), one line each. */
  run(...args: string[]): Promise<string>;
}

/**
 * CLI commands run in-process against this test file's database: jest hooks that start a test
 * server, point the settings the CLI reads (DATABASE_URL, the master key, the data dir) at it,
 * and restore them afterwards. `register` adds the commands under test to a fresh program.
 */
export function cliAgainstTestServer(register: (program: Command) => void, o: { withErrors?: boolean } = {}): CliHarness {
  const saved = { ...process.env };
  const harness = {
    s: undefined as unknown as TestServer,
    dir: '',
    async run(...args: string[]): Promise<string> {
      const program = new Command('tokengate').exitOverride();
      register(program);
      const lines: string[] = [];
      const log = jest.spyOn(console, 'log').mockImplementation((line) => void lines.push(String(line)));
      const err = o.withErrors === false ? undefined : jest.spyOn(console, 'error').mockImplementation((line) => void lines.push(String(line)));
      try {
        await program.parseAsync(['node', 'tokengate', ...args]);
      } finally {
        log.mockRestore();
        err?.mockRestore();
      }
      return lines.join('\n');
    },
  };
  beforeAll(async () => {
    harness.s = await startTestServer();
    harness.dir = mkdtempSync(join(tmpdir(), 'tokengate-cli-'));
    process.env.DATABASE_URL = harness.s.databaseUrl;
    process.env.TOKENGATE_MASTER_KEY = harness.s.keys.masterKey.toString('base64');
    process.env.TOKENGATE_DATA_DIR = harness.dir;
  });
  afterAll(async () => {
    process.env = saved;
    rmSync(harness.dir, { recursive: true, force: true });
    await harness.s?.close();
  });
  return harness;
}
