/**
 * Runs otplib 13 — the reference implementation — in a child Node process: its
 * ESM-only dependencies cannot be loaded inside jest on Node 20, but plain Node can.
 * Guardrails are widened exactly as an import of hardware seeds needs: secrets of
 * any length (RFC 6030's 4-byte "1234") and windows far beyond otplib's 99 steps.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export interface ReferenceCase {
  strategy: 'hotp' | 'totp';
  secretHex: string;
  algorithm: 'sha1' | 'sha256' | 'sha512';
  digits: number;
  counter?: number;
  epoch?: number;
  period?: number;
}

const SCRIPT = `
import { generateSync, createGuardrails } from 'otplib';
const guardrails = createGuardrails({ MIN_SECRET_BYTES: 1, MAX_SECRET_BYTES: 1024, MAX_WINDOW: 100000, MAX_PERIOD: 1e9 });
let input = '';
for await (const chunk of process.stdin) input += chunk;
const codes = JSON.parse(input).map(({ secretHex, ...rest }) =>
  generateSync({ ...rest, secret: new Uint8Array(Buffer.from(secretHex, 'hex')), guardrails }));
process.stdout.write(JSON.stringify(codes));
`;

export function otplibCodes(cases: ReferenceCase[]): string[] {
  const repoRoot = path.resolve(__dirname, '../../..');
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', SCRIPT], {
    cwd: repoRoot,
    input: JSON.stringify(cases),
    encoding: 'utf8',
  });
  return JSON.parse(output) as string[];
}
