import { randomBytes } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { createClient, TokengateError, type TokengateClient } from '../client';
import { loadClientConfig } from '../config';

/**
 * The commands that talk to a running server over HTTP through the SDK (TOKENGATE_URL,
 * TOKENGATE_KEY): `call METHOD JSON` for any method, and the everyday ones
 * (`user create-token`, `token import|batch-assign|download-url`). They print the result
 * as JSON; a failure prints "NAME: message" (and its data) on stderr and exits 1.
 * The key comes from the environment only, so it stays out of the process list.
 */
export function registerClientCommands(program: Command): void {
  registerRadiusClientCommands(program);
  program.command('call <method> [params]')
    .description('call any method over HTTP, e.g. tokengate call /token/get \'{"token":{"serial":"S1"}}\' (params "-": read stdin)')
    .action(printing((tg, method: string, params?: string) =>
      tg.callUnchecked(method.startsWith('/') ? method : `/${method}`, parseParams(params === '-' ? readFileSync(0, 'utf8') : params))));

  const user = program.command('user').description('user access tokens, over HTTP');
  user.command('create-token <user-id>')
    .description('issue a user access token (Droplit\'s "user create-token"); it is shown only here')
    .requiredOption('--ecosystem <id>', 'the domain (ecosystem) id')
    .option('--ttl <seconds>', 'lifetime in seconds (default 3600)')
    .option('--expiry-type <type>', 'Infinite, FixedTtl (default) or SlidingTtl')
    .action(printing((tg, id: string, o) =>
      tg.user.createToken({ ecosystemId: o.ecosystem, id, ttl: numberOrText(o.ttl), expiryType: o.expiryType })));

  const token = program.command('token').description('OTP tokens, over HTTP (the top-level import and batch-assign work on the database itself)');
  token.command('import <file>')
    .description('import hardware tokens from a seed file (PSKC, DualShield XML, OATH CSV) through /token/create, all or nothing')
    .option('--product <MC/PC>', 'product as manufacturerCode/productCode; default: by each token\'s type')
    .option('--repository <name>', 'an existing repository to put the tokens in')
    .option('--format <format>', 'pskc, dualshield-xml or oath-csv (detected when absent)')
    .option('--psk <hex>', 'PSKC pre-shared key, hex')
    .option('--passphrase <text>', 'PSKC PBKDF2 passphrase (or set TOKENGATE_IMPORT_PASSPHRASE, which stays out of the process list)')
    .action(printing((tg, file: string, o) => tg.token.create({
      attrs: {
        data: readFileSync(file, 'utf8'),
        ...(o.product ? { product: productRef(o.product) } : {}),
        ...(o.repository ? { repository: { name: o.repository } } : {}),
        format: o.format,
        psk: o.psk,
        passphrase: o.passphrase ?? loadClientConfig().importPassphrase,
      },
    })));

  token.command('batch-assign <file>')
    .description('assign tokens to users from a CSV file, streamed as text/csv to /rest/token/batchAssignTokens; exit code 1 when any row failed')
    .option('--mode <mode>', 'atomic (one bad row and nothing is written) or partial (the good rows are)', 'atomic')
    .option('--dry-run', 'check every row and report, write nothing')
    .option('--create-users', 'create unknown users in existing domains')
    .option('--charset <charset>', 'UTF-8 (default), ISO-8859-1 or Windows-1252')
    .action(printing(async (tg, file: string, o) => {
      statSync(file); // a missing file says so here, not as a broken upload
      const result = await tg.token.batchAssignTokensFromCsv(createReadStream(file),
        { mode: o.mode, dryRun: o.dryRun, createUsers: o.createUsers, charset: o.charset });
      if (result.failed > 0) process.exitCode = 1;
      return result;
    }));

  token.command('download-url <serial>')
    .description('a single-use download link for a software token')
    .option('--product <MC/PC>', 'the product, where the serial is ambiguous')
    .option('--ttl <seconds>', 'how long the link lives (default 900)')
    .action(printing((tg, serial: string, o) => tg.token.getDownloadUrl({
      token: { serial, ...(o.product ? { product: productRef(o.product) } : {}) },
      ttl: numberOrText(o.ttl),
    })));
}

/**
 * `radius-client add|list|remove`: the RADIUS clients (NAS) through /radiusClient/*. The
 * shared secret never goes on the command line (the process list shows it): `add` makes a
 * random one and prints it once, or reads one from stdin with --secret-stdin.
 */
function registerRadiusClientCommands(program: Command): void {
  const radius = program.command('radius-client').description('RADIUS clients (the NAS that ask the RADIUS / RadSec listener), over HTTP');
  radius.command('add')
    .description('add a RADIUS client; prints {id, secret} (the secret only here)')
    .requiredOption('--name <name>', 'a unique name (audit records say radius:<name>)')
    .requiredOption('--address <ip-or-cidr>', 'the NAS source address: an IP or a CIDR network')
    .option('--domain <name>', 'the domain of a bare User-Name; the client then answers for that domain only')
    .option('--transport <transport>', 'udp, radsec or any', 'any')
    .option('--no-require-message-authenticator', 'accept Access-Requests without a Message-Authenticator (old NAS only)')
    .option('--secret-stdin', 'read the shared secret (16 characters or more) from stdin instead of generating one')
    .action(printing(async (tg, o) => {
      const secret = o.secretStdin ? readFileSync(0, 'utf8').trim() : randomBytes(24).toString('base64url');
      const { id } = await tg.radiusClient.create({
        attrs: { name: o.name, address: o.address, secret, domain: o.domain, transport: o.transport, requireMessageAuthenticator: o.requireMessageAuthenticator },
      });
      return o.secretStdin ? { id } : { id, secret };
    }));
  radius.command('list').description('list the RADIUS clients (never their secrets)')
    .action(printing(async (tg) => (await tg.radiusClient.search({ limit: 1000 })).rows));
  radius.command('remove <id-or-name>').description('remove a RADIUS client: its packets are dropped from then on')
    .action(printing(async (tg, idOrName: string) => {
      const id = /^[0-9a-f-]{36}$/i.test(idOrName) ? idOrName : (await tg.radiusClient.get({ match: [['name', '=', idOrName]] })).id;
      return tg.radiusClient.delete({ id });
    }));
}

/** Wraps a command: a client from the environment in, the result printed as JSON out, a TokengateError as its name on stderr. */
function printing<A extends unknown[]>(work: (tg: TokengateClient, ...args: A) => Promise<unknown>) {
  return async (...args: A) => {
    const { url, key } = loadClientConfig();
    const tg = createClient({ url, key });
    try {
      console.log(JSON.stringify(await work(tg, ...args), null, 2) ?? 'null');
    } catch (err) {
      if (!(err instanceof TokengateError)) throw err;
      console.error(`${err.name}: ${err.message}`);
      if (Object.keys(err.data).length) console.error(JSON.stringify(err.data, null, 2));
      process.exitCode = 1;
    }
  };
}

function parseParams(text: string | undefined): unknown {
  if (text === undefined || text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`params must be JSON: ${(err as Error).message}`, { cause: err });
  }
}

/** "60" → 60; anything else goes as given (typed as the number it should be), for the server to refuse by name. */
function numberOrText(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  return /^[+-]?\d+(\.\d+)?$/.test(value) ? Number(value) : (value as unknown as number);
}

function productRef(codes: string): { manufacturerCode: string; productCode: string } {
  const [manufacturerCode, productCode, extra] = codes.split('/');
  if (!manufacturerCode || !productCode || extra !== undefined) throw new Error('--product must be MANUFACTURER/PRODUCT, e.g. OATH/HOTP');
  return { manufacturerCode, productCode };
}
