// Debian's OpenLDAP for the directory bench (the tests have their own, test/support/slapd.ts):
// a slapd.conf in a temp dir, back_mdb, a free port, `users` entries loaded with slapadd.
// Users: uid=user00001… under ou=people,dc=example,dc=com, password "pw-<uid>".
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './harness.mjs';

export const BASE_DN = 'dc=example,dc=com';
export const uidOf = (i) => `user${String(i).padStart(5, '0')}`;

/** @param {number} users */
export async function startSlapd(users) {
  const dir = mkdtempSync(join(tmpdir(), 'tokengate-bench-slapd-'));
  mkdirSync(join(dir, 'db'));
  const port = await freePort();
  writeFileSync(join(dir, 'slapd.conf'), [
    'include /etc/ldap/schema/core.schema', 'include /etc/ldap/schema/cosine.schema',
    'include /etc/ldap/schema/nis.schema', 'include /etc/ldap/schema/inetorgperson.schema',
    'modulepath /usr/lib/ldap', 'moduleload back_mdb', 'loglevel 0', `pidfile ${dir}/slapd.pid`, 'sizelimit unlimited',
    'database mdb', 'maxsize 4294967296', `suffix "${BASE_DN}"`, `rootdn "cn=admin,${BASE_DN}"`, 'rootpw admin-secret',
    // objectClass indexed, as Debian's own slapd configuration has it: without, slapd turns every
    // search into a pass over the whole directory (back-mdb ORs (objectClass=referral) into the
    // filter), 47 ms a search at 100k entries. BENCH_SLAPD_NO_OBJECTCLASS_INDEX=1 leaves it out.
    `directory ${dir}/db`, `index ${process.env.BENCH_SLAPD_NO_OBJECTCLASS_INDEX ? '' : 'objectClass,'}uid,entryUUID eq`, '',
  ].join('\n'));
  let ldif = `dn: ${BASE_DN}\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n\n`
    + `dn: ou=people,${BASE_DN}\nobjectClass: organizationalUnit\nou: people\n\n`;
  for (let i = 1; i <= users; i++) {
    const uid = uidOf(i);
    ldif += `dn: uid=${uid},ou=people,${BASE_DN}\nobjectClass: inetOrgPerson\nuid: ${uid}\ncn: User ${i}\nsn: N${i}\nuserPassword: pw-${uid}\n\n`;
  }
  writeFileSync(join(dir, 'users.ldif'), ldif);
  execFileSync('/usr/sbin/slapadd', ['-q', '-f', join(dir, 'slapd.conf'), '-l', join(dir, 'users.ldif')], { stdio: 'pipe' });
  const url = `ldap://127.0.0.1:${port}`;
  const child = spawn('/usr/sbin/slapd', ['-d', '0', '-f', join(dir, 'slapd.conf'), '-h', `${url}/`, ...(process.getuid?.() === 0 ? ['-u', 'root'] : [])], { stdio: 'ignore' });
  for (let i = 0; ; i++) {
    try {
      execFileSync('ldapsearch', ['-x', '-H', url, '-b', BASE_DN, '-s', 'base', '1.1'], { stdio: 'pipe' });
      break;
    } catch (err) {
      if (i > 100) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url, pid: child.pid, bindDn: `cn=admin,${BASE_DN}`, bindPassword: 'admin-secret', baseDn: `ou=people,${BASE_DN}`,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
