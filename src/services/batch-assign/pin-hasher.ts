import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * scrypt cost for PINs set by a batch file: N=2^10 (1 MiB), 16× cheaper than the
 * interactive default of password-hash.ts (N=2^14, ≈ 15–35 ms a hash), ≈ 2 ms on the
 * reference machine. A 4–8 digit PIN falls to an offline search at either cost; what
 * protects it is that the hash never leaves the database and the token locks after
 * maxFail wrong tries. Stored in the same "scrypt$N$r$p$salt$hash" form, so
 * verifyPassword reads the cost from the string and needs no change.
 */
export const BATCH_PIN_COST = { N: 2 ** 10, r: 8, p: 1 } as const;

/*
 * The worker's code is inline so it runs the same from src/ (ts-jest) and dist/.
 * It must produce exactly what hashPassword() does: NFKC, 16-byte salt, 32-byte key
 * (test/unit/batch-assign/pin-hasher.test.ts checks it against verifyPassword).
 */
const WORKER_CODE = `
const { parentPort } = require('node:worker_threads');
const { randomBytes, scryptSync } = require('node:crypto');
parentPort.on('message', ({ id, pins, N, r, p }) => {
  const hashes = pins.map((pin) => {
    const salt = randomBytes(16);
    const key = scryptSync(pin.normalize('NFKC'), salt, 32, { N, r, p, maxmem: 256 * N * r });
    return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
  });
  parentPort.postMessage({ id, hashes });
});`;

export interface PinHasher {
  /** The scrypt hashes of `pins`, in order, computed on every worker at once. */
  hash(pins: readonly string[]): Promise<string[]>;
  close(): Promise<void>;
}

/** A pool of `size` worker threads (default: one per available CPU), made for one batch. */
export function createPinHasher(size = availableParallelism(), cost = BATCH_PIN_COST): PinHasher {
  const workers = Array.from({ length: Math.max(1, size) }, () => new Worker(WORKER_CODE, { eval: true }));
  let nextId = 0;

  const run = (worker: Worker, pins: readonly string[]) => new Promise<string[]>((resolve, reject) => {
    const id = nextId++;
    const onMessage = (m: { id: number; hashes: string[] }) => {
      if (m.id !== id) return;
      worker.off('message', onMessage).off('error', reject);
      resolve(m.hashes);
    };
    worker.on('message', onMessage).once('error', reject);
    worker.postMessage({ id, pins, ...cost });
  });

  return {
    async hash(pins) {
      const share = Math.ceil(pins.length / workers.length);
      const parts = await Promise.all(workers.map((w, i) => run(w, pins.slice(i * share, (i + 1) * share))));
      return parts.flat();
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
