import cluster, { Worker } from 'node:cluster';
import { createServer } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { InvalidArgumentError, type Command } from 'commander';
import { AggregatorRegistry } from 'prom-client';
import { Config, loadConfig } from '../config';
import { metricsRegistry } from '../http/metrics';
import { prepareDatabase, startServer } from '../server';

export function registerServeCommand(program: Command): void {
  program.command('serve', { isDefault: true }).description('migrate, then serve')
    .option('--workers <n>', 'server processes sharing the port (node:cluster)', wholeNumber(1, 256), 1)
    .option('--metrics-port <port>', 'with --workers: every worker\'s /metrics summed, on this port of the primary', wholeNumber(0, 65535))
    .action(async (opts: { workers: number; metricsPort?: number }) => {
      // V8 learns from allocation sites whose objects all survived a young collection (a
      // token import's, a batch's) to allocate there straight into the old generation, and
      // does not unlearn it; the verify hot paths share such sites (driver and framework
      // code), so after one import their short-lived objects went old and every scavenge
      // took 6–8 ms instead of 2.5–4 (--trace-pretenuring, --trace-gc; docs/benchmarks.md).
      // The switch is read when a collection digests its feedback, so set here, before any
      // work, it holds: --trace-pretenuring then reports no decision at all.
      setFlagsFromString('--no-allocation-site-pretenuring');
      const config = loadConfig();
      if (cluster.isWorker) return serveAsWorker(config);
      if (opts.workers > 1) return servePrimary(config, opts.workers, opts.metricsPort);
      return serveAlone(config);
    });
}

function wholeNumber(min: number, max: number) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`a whole number from ${min} to ${max}`);
    return n;
  };
}

/** One process: migrate, serve; SIGTERM/SIGINT drain it and exit 0. */
async function serveAlone(config: Config): Promise<void> {
  const server = await startServer(config);
  console.log(`tokengate listening on ${server.url}`);
  if (server.radius?.udpPort !== undefined) console.log(`RADIUS listening on UDP port ${server.radius.udpPort}`);
  if (server.radius?.radsecPort !== undefined) console.log(`RadSec listening on TCP port ${server.radius.radsecPort}`);
  onShutdownSignal(async (signal) => {
    server.log.info({ signal }, 'shutting down');
    await server.close();
  }, (err) => server.log.error({ err }, 'shutdown failed'));
}

/**
 * A worker forked by the primary: the database is prepared and DATABASE_URL points
 * at it, so it only serves. It stops on a signal, or when the primary is gone.
 */
async function serveAsWorker(config: Config): Promise<void> {
  // The shared port's /metrics is whichever worker answers; the primary can sum them all.
  AggregatorRegistry.setRegistries(metricsRegistry);
  new AggregatorRegistry(); // its constructor installs the worker's answer to the primary's requests
  const server = await startServer(config, () => {});
  const stop = onShutdownSignal(async (signal) => {
    server.log.info({ signal }, 'worker shutting down');
    await server.close();
  }, (err) => server.log.error({ err }, 'worker shutdown failed'));
  process.on('disconnect', () => stop('primary gone'));
}

/**
 * The primary prepares the database once (embedded start, migrations, the first admin
 * key printed once), then forks `count` workers that share the port (cluster hands
 * them connections). A signal drains every worker, then stops the embedded database.
 */
async function servePrimary(config: Config, count: number, metricsPort?: number): Promise<void> {
  const prepared = await prepareDatabase(config);
  await prepared.dataSource.close();
  // Each worker: its pool, its pipelined connections, 1 for the credential cache's listener.
  const perWorker = config.poolSize + config.pipelinedPoolSize + 1;
  if (prepared.embedded && count * perWorker > 95) {
    console.warn(`${count} workers × (TOKENGATE_POOL_SIZE ${config.poolSize} + TOKENGATE_PIPELINED_POOL_SIZE ${config.pipelinedPoolSize} + 1) connections exceed what the embedded PostgreSQL allows (100): lower TOKENGATE_POOL_SIZE`);
  }
  const env = { DATABASE_URL: prepared.url };
  const crashes: number[] = [];
  let stopping = false;
  let listening = 0;

  const fork = (): Worker => cluster.fork(env);
  cluster.on('listening', (_worker, address) => {
    if (++listening !== count) return;
    const host = !address.address || address.address === '0.0.0.0' || address.address === '::' ? 'localhost' : address.address;
    console.log(`tokengate listening on http://${host}:${address.port} (${count} workers)`);
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    // A worker that dies on its own is replaced, unless they keep dying (a port in use, a bad config).
    const now = Date.now();
    crashes.push(now);
    while (crashes.length && crashes[0] < now - 30_000) crashes.shift();
    console.error(`worker ${worker.process.pid} exited (${signal ?? code})`);
    if (crashes.length > Math.max(3, count)) {
      console.error('workers keep exiting; stopping');
      void stopAll('crash loop').then(() => process.exit(1));
      return;
    }
    fork();
  });

  const stopAll = async (signal: string): Promise<boolean> => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
    const exits = workers.map((w) => new Promise<boolean>((resolve) => w.once('exit', (code) => resolve(code === 0))));
    console.log(`${signal}: draining ${workers.length} workers`);
    for (const w of workers) w.process.kill('SIGTERM');
    const clean = (await Promise.all(exits)).every(Boolean);
    await prepared.embedded?.stop();
    return clean;
  };
  onShutdownSignal(async (signal) => {
    if (!(await stopAll(signal))) throw new Error('a worker did not stop cleanly');
  }, (err) => console.error(err instanceof Error ? err.message : err));
  for (let i = 0; i < count; i++) fork();
  if (metricsPort !== undefined) serveClusterMetrics(config.host, metricsPort);
}

/** GET /metrics on the primary: the workers' metrics, counters and histograms summed. */
function serveClusterMetrics(host: string, port: number): void {
  const aggregator = new AggregatorRegistry();
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') return void res.writeHead(404).end();
    aggregator.clusterMetrics().then(
      (text) => res.writeHead(200, { 'content-type': aggregator.contentType }).end(text),
      () => res.writeHead(503).end(),
    );
  });
  server.listen(port, host, () => console.log(`cluster metrics on http://${host}:${(server.address() as { port: number }).port}/metrics`));
  server.unref();
}

/**
 * SIGTERM/SIGINT run `stop` once and exit 0 (1 when it throws). A second signal while
 * draining exits at once, except in a worker: a terminal's Ctrl-C reaches the workers
 * as well as the primary, which then asks them again.
 */
function onShutdownSignal(stop: (signal: string) => Promise<void>, onError: (err: unknown) => void): (reason: string) => void {
  let started = false;
  const run = (reason: string) => {
    if (started && !cluster.isWorker) process.exit(1);
    if (started) return;
    started = true;
    stop(reason).then(() => process.exit(0), (err) => { onError(err); process.exit(1); });
  };
  process.on('SIGTERM', () => run('SIGTERM'));
  process.on('SIGINT', () => run('SIGINT'));
  return run;
}
