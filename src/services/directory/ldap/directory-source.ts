import { AdminLimitExceededError, AndFilter, Entry, EqualityFilter, Filter, FilterParser, InvalidCredentialsError, NoSuchObjectError, OrFilter, SizeLimitExceededError } from 'ldapts';
import { usernameKey } from '../../../domain/names/username-key';
import { andFilter, equalityFilter } from '../../../domain/ldap/filter-escape';
import { objectGuidFromString, objectGuidToString } from '../../../domain/ldap/object-guid';
import { DirectoryConnections } from './directory-connections';
import type { DirectorySettings } from './directory-settings';

/** A user as the directory has it, in tokengate's field names. */
export interface DirectoryEntry {
  dn: string;
  /** The stable id (entryUUID, or objectGUID in its canonical string form). */
  directoryId: string;
  loginName: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  mobile: string | null;
}

/** Page size of Simple Paged Results (RFC 2696): Active Directory answers at most 1000 a page. */
const PAGE_SIZE = 500;
/** Names in one OR filter (batch assignment). */
const OR_NAMES = 100;
/** Most entries one /user/search reads; a larger result asks for a narrower match. */
const MAX_SEARCH_ENTRIES = 200_000;
/** Page size of a whole-directory scan: Active Directory's most; slapd sent 100k entries in 0.9 s at 1000, 1.5 s at 500. */
const SCAN_PAGE_SIZE = 1000;
/**
 * Most entries a whole-directory scan keeps (measured: 33 MB of heap for 100k entries with
 * two mapped attributes, ~80 MB at the bound). A larger directory is not kept: its names
 * are searched for, OR filters.
 */
export const MAX_SCAN_ENTRIES = 250_000;

/** Every user of a directory by login key; null for a key several entries share (refused, as findByLogin refuses it). */
export type DirectoryLogins = Map<string, DirectoryEntry | null>;

/** The searches and binds tokengate makes in one domain's directory. Every value in a filter is escaped (RFC 4515). */
export class DirectorySource {
  private readonly isGuid: boolean;

  constructor(readonly settings: DirectorySettings, private readonly connections: DirectoryConnections) {
    this.isGuid = settings.idAttribute.toLowerCase() === 'objectguid';
  }

  /**
   * The one entry whose login is `loginName`. Several entries for one name (a filter too
   * wide, or a hostile directory) are refused, never guessed between: a size limit of 2 keeps
   * a directory from sending thousands.
   */
  async findByLogin(loginName: string): Promise<DirectoryEntry | null> {
    const found = await this.search(equalityFilter(this.settings.loginAttribute, loginName), 2);
    return found && found.length === 1 ? found[0] : null;
  }

  /** Many names in one search (an OR filter): the entries by their login's key, ambiguous names left out. */
  async findByLogins(loginNames: string[]): Promise<Map<string, DirectoryEntry>> {
    // At most OR_NAMES names a filter: a server may test each candidate entry against every
    // term (about n² for n names), and Active Directory limits a filter's size. The pieces go
    // out together, on the pool's connections.
    const pieces: string[][] = [];
    for (let i = 0; i < loginNames.length; i += OR_NAMES) pieces.push(loginNames.slice(i, i + OR_NAMES));
    const found = await Promise.all(pieces.map((piece) => this.findByLoginsOnce(piece)));
    return new Map(found.flatMap((m) => [...m]));
  }

  private async findByLoginsOnce(loginNames: string[]): Promise<Map<string, DirectoryEntry>> {
    // built as filter objects, not a string: the values go onto the wire as they are (no escaping
    // to get wrong), and a 500-term string would be parsed again by the client on every search
    const attribute = this.settings.loginAttribute;
    const names = new OrFilter({ filters: loginNames.map((value) => new EqualityFilter({ attribute, value })) });
    const found = await this.search(new AndFilter({ filters: [FilterParser.parseString(this.settings.userFilter), names] }), 2 * loginNames.length + 2);
    const byKey = new Map<string, DirectoryEntry[]>();
    if (found === null) {
      // the size limit: some name matches too many entries; find them one by one (rare, hostile)
      for (const name of loginNames) {
        const entry = await this.findByLogin(name);
        if (entry) byKey.set(usernameKey(entry.loginName), [entry]);
      }
    } else {
      for (const entry of found) {
        const key = usernameKey(entry.loginName);
        byKey.set(key, [...(byKey.get(key) ?? []), entry]);
      }
    }
    return new Map([...byKey].filter(([, entries]) => entries.length === 1).map(([key, [entry]]) => [key, entry]));
  }

  /**
   * Every user of the directory (the domain's userFilter), read page by page (Simple Paged
   * Results, RFC 2696) on one connection, kept by login key; null when the directory has more
   * than `maxEntries` (the scan stops there). Batch assignment reads a directory this way when
   * it names many of its users: one pass over the directory costs the server less than
   * searching for each name, and nothing at all when its filter's attributes are not indexed.
   * Also null when the directory will not hand out that many to the bind DN (a size or
   * administrative limit): its names are searched for then.
   */
  async scanLogins(maxEntries = MAX_SCAN_ENTRIES): Promise<DirectoryLogins | null> {
    try {
      return await this.scanLoginsOnce(maxEntries);
    } catch (err) {
      if (err instanceof SizeLimitExceededError || err instanceof AdminLimitExceededError) return null;
      throw err;
    }
  }

  private scanLoginsOnce(maxEntries: number): Promise<DirectoryLogins | null> {
    const s = this.settings;
    return this.connections.use(async (client) => {
      // made inside the work: a retry on a fresh connection starts again from nothing
      const logins: DirectoryLogins = new Map();
      let read = 0;
      for await (const page of client.searchPaginated(s.baseDn, {
        scope: 'sub', filter: s.userFilter, attributes: this.attributes(),
        timeLimit: Math.max(1, Math.ceil(s.timeoutMs / 1000)),
        explicitBufferAttributes: this.isGuid ? [s.idAttribute] : [],
        paged: { pageSize: SCAN_PAGE_SIZE },
      })) {
        read += page.searchEntries.length;
        if (read > maxEntries) {
          // The paged search stays open on the server when left half-way (Active Directory
          // allows a few per connection): this connection ends, the pool opens another.
          await client.unbind().catch(() => {});
          return null;
        }
        for (const found of page.searchEntries) {
          const entry = this.toEntry(found);
          if (!entry) continue;
          const key = usernameKey(entry.loginName);
          logins.set(key, logins.has(key) ? null : entry);
        }
      }
      return logins;
    });
  }

  /** The entry with this stable id, wherever it moved (a rename keeps it). */
  async findById(directoryId: string): Promise<DirectoryEntry | null> {
    let value: string | Buffer = directoryId;
    if (this.isGuid) {
      try { value = objectGuidFromString(directoryId); } catch { return null; }
    }
    const found = await this.search(equalityFilter(this.settings.idAttribute, value), 2);
    return found && found.length === 1 ? found[0] : null;
  }

  /** Every user matching `loginFilter` (or all), page by page, ordered by login name. */
  async findAll(loginFilter = ''): Promise<DirectoryEntry[] | null> {
    const entries = await this.search(loginFilter, MAX_SEARCH_ENTRIES, true);
    return entries?.sort((a, b) => compareLogins(a.loginName, b.loginName)) ?? null;
  }

  checkPassword(dn: string, password: string): Promise<boolean> {
    return this.connections.checkPassword(dn, password);
  }

  /** Up to `limit` entries, or null when the directory has more (its size limit was reached). */
  /** `filter`: a string is ANDed with the domain's userFilter here; a Filter object already holds it. */
  private async search(filter: string | Filter, limit: number, paged = false): Promise<DirectoryEntry[] | null> {
    const s = this.settings;
    try {
      const { searchEntries } = await this.connections.use((client) => client.search(s.baseDn, {
        scope: 'sub', filter: typeof filter === 'string' ? andFilter(s.userFilter, filter) : filter, attributes: this.attributes(), sizeLimit: limit,
        timeLimit: Math.max(1, Math.ceil(s.timeoutMs / 1000)),
        explicitBufferAttributes: this.isGuid ? [s.idAttribute] : [],
        ...(paged ? { paged: { pageSize: PAGE_SIZE } } : {}),
      }));
      return searchEntries.flatMap((e) => this.toEntry(e) ?? []);
    } catch (err) {
      if (err instanceof SizeLimitExceededError) return null;
      throw err;
    }
  }

  /** The attributes a search asks for: the login, the stable id and the mapped ones. */
  private attributes(): string[] {
    const s = this.settings;
    return [s.loginAttribute, s.idAttribute, ...Object.values(s.attributes).filter((a): a is string => !!a)];
  }

  private toEntry(entry: Entry): DirectoryEntry | null {
    const s = this.settings;
    const id = attribute(entry, s.idAttribute);
    const login = attribute(entry, s.loginAttribute);
    if (id === undefined || login === undefined) return null;
    const text = (name?: string) => {
      const v = name ? attribute(entry, name) : undefined;
      return typeof v === 'string' ? v : null;
    };
    return {
      dn: entry.dn,
      directoryId: Buffer.isBuffer(id) ? objectGuidToString(id) : id,
      loginName: Buffer.isBuffer(login) ? login.toString('utf8') : login,
      firstName: text(s.attributes.firstName), lastName: text(s.attributes.lastName),
      email: text(s.attributes.email), mobile: text(s.attributes.mobile),
    };
  }
}

/** Login names in the order /user/search answers them: by their key, then as written. */
function compareLogins(a: string, b: string): number {
  const ka = usernameKey(a);
  const kb = usernameKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : a < b ? -1 : a > b ? 1 : 0;
}

/** An attribute's first value, its name matched without regard to case (servers answer in their own case). */
function attribute(entry: Entry, name: string): string | Buffer | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(entry)) {
    if (key.toLowerCase() !== lower || key === 'dn') continue;
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined ? undefined : first;
  }
  return undefined;
}

export type DirectoryTest = { ok: true; latencyMs: number; sample: string[] } | { ok: false; reason: string };

/** /domain/testDirectory: connect, bind, read the base DN and a few users, on connections of its own. */
export async function testDirectory(settings: DirectorySettings & { bindPassword: string }): Promise<DirectoryTest> {
  const connections = new DirectoryConnections(settings);
  const started = performance.now();
  try {
    const sample = await connections.use(async (client) => {
      await client.search(settings.baseDn, { scope: 'base', filter: '(objectClass=*)', attributes: ['1.1'] });
      // the first page only: a size limit would make slapd answer an error instead of entries
      let searchEntries: Entry[] = [];
      for await (const page of client.searchPaginated(settings.baseDn, {
        scope: 'sub', filter: settings.userFilter, attributes: [settings.loginAttribute], paged: { pageSize: 5 },
      })) {
        searchEntries = page.searchEntries;
        break;
      }
      return searchEntries.flatMap((e) => {
        const v = attribute(e, settings.loginAttribute);
        return typeof v === 'string' ? [v] : [];
      });
    });
    return { ok: true, latencyMs: Math.round(performance.now() - started), sample };
  } catch (err) {
    return { ok: false, reason: testFailureReason(err) };
  } finally {
    await connections.close();
  }
}

function testFailureReason(err: unknown): string {
  if (err instanceof InvalidCredentialsError) return 'BIND_REFUSED';
  if (err instanceof NoSuchObjectError) return 'BASE_DN_NOT_FOUND';
  const message = String((err as Error)?.message ?? '');
  if (/timeout|timed out/i.test(message)) return 'TIMEOUT';
  if (/certificate|self.signed|tls|ssl/i.test(message)) return 'TLS_FAILED';
  if ((err as { code?: string })?.code !== undefined || /connect|ECONN|socket/i.test(message)) return 'CANNOT_CONNECT';
  return 'DIRECTORY_ERROR';
}
