import type { Db } from '../../db';
import { BoundedCache } from '../../domain/bounded-cache';
import { usernameKey } from '../../domain/names/username-key';
import { AppError, E } from '../../errors';
import { UUID } from '../query/search-query';
import { findUserRow, FindUserOptions, UserRef, UserRow } from './refs';
import { DirectoryConnections } from './ldap/directory-connections';
import { fromDirectory } from './ldap/directory-errors';
import { DirectorySettings, PinSource, unsealBindPassword } from './ldap/directory-settings';
import { DirectoryEntry, DirectoryLogins, DirectorySource } from './ldap/directory-source';
import { saveDirectoryUsers } from './directory-users';

/** How long a process trusts what it read of a domain (its kind, its directory settings); /domain/set here forgets at once. */
const DOMAIN_TTL_MS = 5000;

/** A user found through the resolver: the local row, and its entry when it lives in a directory. */
export interface ResolvedUser extends UserRow { dn?: string }

/** A domain as the resolver keeps it: its source and, for a directory, the open connections. */
export interface ResolvedDomain { id: string; name: string; pinSource: PinSource; directory: DirectorySource | null }

/**
 * How many answers a process keeps: a domain or user name nobody has is kept too (as
 * null), so without a cap every name ever probed would stay in memory.
 */
export interface ResolverLimits { domains: number; users: number }
const DEFAULT_LIMITS: ResolverLimits = { domains: 10_000, users: 100_000 };

/**
 * Names of one domain in one chunk of a bulk call from which its whole directory is read
 * once instead of searched name by name. A 5,000-row chunk against a 100k-user slapd:
 * 0.15–0.3 s of OR-filter searches, against ~1 s for the whole directory read once and
 * every later chunk resolved from memory (bench/directory.mjs; slapd with objectClass
 * not indexed: 17 s a chunk against 1.3 s once).
 */
export const DEFAULT_SCAN_FROM = 2000;

/** One bulk call's reading of its directories (a batch): a domain's scan, made once, serves every chunk. */
export class BulkResolution {
  readonly scans = new Map<string, Promise<DirectoryLogins | null>>();
}

/**
 * The one place a reference to a user ({id} | {domain, loginName|loginNam}) becomes a user.
 * A local domain's users are its rows (refs.ts findUserRow). A directory domain's users
 * are its directory's entries: found by login (escaped, RFC 4515) or by the stable id the
 * local row keeps, that row made or refreshed on first use, the answer cached for the
 * domain's cacheSeconds. No method learns LDAP: they ask this.
 */
export class UserResolver {
  private readonly domains: BoundedCache<string, ResolvedDomain | null>;
  private readonly connections = new Map<string, { settings: string; source: DirectorySource; connections: DirectoryConnections }>();
  private readonly users: BoundedCache<string, ResolvedUser | null>;
  /** Moves on with every forgetDomain: an answer read before it is not kept after it. */
  private generation = 0;

  /** `scanFrom`: names of a domain in one chunk from which a bulk call reads the whole directory (tests lower it). */
  constructor(
    private readonly masterKey: Buffer, now: () => number = Date.now, private readonly scanFrom = DEFAULT_SCAN_FROM,
    limits: ResolverLimits = DEFAULT_LIMITS,
  ) {
    this.domains = new BoundedCache(limits.domains, DOMAIN_TTL_MS, now);
    this.users = new BoundedCache(limits.users, 0, now); // each answer kept for its domain's cacheSeconds, given with it
  }

  /** The user `ref` names, or USER_NOT_FOUND. */
  async find(db: Db, ref: UserRef, opts: FindUserOptions = {}): Promise<ResolvedUser> {
    const user = await this.lookup(db, ref, opts);
    if (!user) throw AppError.of(E.USER_NOT_FOUND);
    // A local user's row was read with the lock (assignments) already; a directory user's
    // local row was read, or cached, without it: locked now, by its id.
    return opts.lock && user.dn !== undefined ? { ...user, ...(await findUserRow(db, { id: user.id }, opts)) } : user;
  }

  /** As find, but null for nobody (verify answers AUTH_FAILED for it, counted, not USER_NOT_FOUND). `opts` apply to a local user's row. */
  async lookup(db: Db, ref: UserRef, opts: FindUserOptions = {}): Promise<ResolvedUser | null> {
    if (ref.id) {
      const row = await findUserRow(db, { id: ref.id }, opts).catch(notFoundAsNull);
      if (!row) return null;
      const domain = await this.domain(db, { id: row.domainId });
      return domain?.directory ? this.confirm(db, domain, row.id) : row;
    }
    const domain = await this.domain(db, ref.domain ?? {});
    if (!domain) return null;
    const loginName = ref.loginName ?? ref.loginNam ?? '';
    if (!domain.directory) return findUserRow(db, { ...ref, domain: { id: domain.id } }, opts).catch(notFoundAsNull);
    return this.cached(`${domain.id}\0login:${usernameKey(loginName)}`, domain, async () => {
      const entry = await fromDirectory(() => domain.directory!.findByLogin(loginName));
      return entry ? this.save(db, domain, entry) : null;
    });
  }

  /** A live domain by id or name, as cached; null when there is none (an id that is no uuid names none). */
  async domain(db: Db, ref: { id?: string; name?: string }): Promise<ResolvedDomain | null> {
    const key = ref.id ? `id:${ref.id.toLowerCase()}` : ref.name !== undefined ? `name:${usernameKey(ref.name)}` : null;
    if (!key || (ref.id && !UUID.test(ref.id))) return null;
    const hit = this.domains.get(key);
    if (hit !== undefined) return hit;
    const generation = this.generation;
    const [row] = await db.rows(`
      SELECT id, name, pin_source AS "pinSource", directory, directory_bind_password AS "bindPassword"
        FROM domains WHERE deleted_at IS NULL AND ${ref.id ? 'id = $1::uuid' : 'name_key = $1'}`, [ref.id ?? usernameKey(ref.name!)]);
    // forgotten meanwhile (/domain/set, …): what was read may be the old domain, and its
    // directory connections must not be opened again: read it afresh
    if (generation !== this.generation) return this.domain(db, ref);
    const value = row ? this.domainOf(row) : null;
    this.domains.set(key, value);
    return value;
  }

  /**
   * Users of a directory domain by login, a chunk at a time (batch assignment): their local
   * rows made or refreshed, set-based; → login key → local user id. Names the directory
   * does not have (or has several entries for) are left out, and a stale local row holding
   * one lets go of it. Within `bulk`, a chunk naming `scanFrom` or more users of the domain
   * has the whole directory read once (scanLogins), and this chunk and every later one are
   * resolved from it; else (or when the directory is too large to keep) one OR-filter
   * search per 100 names.
   */
  async resolveMany(db: Db, domain: ResolvedDomain, loginNames: string[], bulk?: BulkResolution): Promise<Map<string, string>> {
    const found = await fromDirectory(() => this.entriesByLogin(domain, loginNames, bulk));
    const keys = [...new Set(loginNames.map(usernameKey))];
    const ids = await saveDirectoryUsers(db, domain.id, [...found.values()], keys.filter((key) => !found.has(key)));
    return new Map([...found].map(([key, entry]) => [key, ids.get(entry.directoryId)!]));
  }

  private async entriesByLogin(domain: ResolvedDomain, loginNames: string[], bulk?: BulkResolution): Promise<Map<string, DirectoryEntry>> {
    const directory = domain.directory!;
    let scan = bulk?.scans.get(domain.id);
    if (bulk && !scan && new Set(loginNames.map(usernameKey)).size >= this.scanFrom) {
      scan = directory.scanLogins();
      bulk.scans.set(domain.id, scan);
    }
    const logins = scan ? await scan : null;
    if (!logins) return directory.findByLogins(loginNames);
    const found = new Map<string, DirectoryEntry>();
    for (const name of loginNames) {
      const key = usernameKey(name);
      const entry = logins.get(key);
      if (entry) found.set(key, entry);
    }
    return found;
  }

  /** pinSource "directory": the password checked by binding as the user's entry. */
  async checkDirectoryPassword(domain: ResolvedDomain, dn: string | undefined, password: string | undefined): Promise<boolean> {
    if (!domain.directory || !dn) return false;
    return fromDirectory(() => domain.directory!.checkPassword(dn, password ?? ''));
  }

  /**
   * After /domain/create, /domain/set or /domain/delete: the next call reads the domain again,
   * and its directory connections are closed (a deleted or now local domain kept its bound
   * sockets until the process ended; a changed one reconnects once).
   */
  forgetDomain(id: string): void {
    const open = this.connections.get(id);
    this.connections.delete(id);
    void open?.connections.close();
    this.generation++;
    this.domains.clear();
    this.users.deleteWhere((key) => key.startsWith(`${id}\0`));
  }

  async close(): Promise<void> {
    await Promise.all([...this.connections.values()].map((c) => c.connections.close()));
    this.connections.clear();
  }

  /** A directory user known by its local id: still in the directory? Its row refreshed from the entry. */
  private async confirm(db: Db, domain: ResolvedDomain, userId: string): Promise<ResolvedUser | null> {
    return this.cached(`${domain.id}\0id:${userId}`, domain, async () => {
      const [row] = await db.rows('SELECT directory_id AS "directoryId" FROM users WHERE id = $1', [userId]);
      if (!row?.directoryId) return null;
      const entry = await fromDirectory(() => domain.directory!.findById(row.directoryId));
      return entry ? this.save(db, domain, entry) : null;
    });
  }

  private async save(db: Db, domain: ResolvedDomain, entry: DirectoryEntry): Promise<ResolvedUser> {
    const ids = await saveDirectoryUsers(db, domain.id, [entry]);
    const row = await findUserRow(db, { id: ids.get(entry.directoryId)! });
    return { ...row, dn: entry.dn };
  }

  private async cached(key: string, domain: ResolvedDomain, load: () => Promise<ResolvedUser | null>): Promise<ResolvedUser | null> {
    const hit = this.users.get(key);
    if (hit !== undefined) return hit;
    const generation = this.generation;
    const value = await load();
    const seconds = domain.directory!.settings.cacheSeconds;
    if (seconds > 0 && generation === this.generation) this.users.set(key, value, seconds * 1000);
    else this.users.delete(key);
    return value;
  }

  private domainOf(row: { id: string; name: string; pinSource: PinSource; directory: DirectorySettings | null; bindPassword: Buffer | null }): ResolvedDomain {
    if (!row.directory) return { id: row.id, name: row.name, pinSource: row.pinSource, directory: null };
    const bindPassword = unsealBindPassword(this.masterKey, row.id, row.bindPassword);
    const fingerprint = JSON.stringify([row.directory, bindPassword]);
    let open = this.connections.get(row.id);
    if (!open || open.settings !== fingerprint) {
      void open?.connections.close();
      const connections = new DirectoryConnections({ ...row.directory, bindPassword });
      open = { settings: fingerprint, connections, source: new DirectorySource(row.directory, connections) };
      this.connections.set(row.id, open);
    }
    return { id: row.id, name: row.name, pinSource: row.pinSource, directory: open.source };
  }
}

function notFoundAsNull(err: unknown): null {
  if (err instanceof AppError && err.errorName === E.USER_NOT_FOUND.name) return null;
  throw err;
}
