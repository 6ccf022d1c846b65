import { canonicalUuid } from './device-auth';

/**
 * Meshblu v2 whitelists, the subset tokengate enforces:
 * - configure.update: may change the device, unregister it and manage its tokens;
 * - discover.view:    may read it (/device/get, /device/verifyToken);
 * - configure.as:     stored and returned for Meshblu clients; the gateway has no
 *                     x-meshblu-as header, so it grants nothing here.
 * {uuid: "*"} is anyone. Every list is always present in what we store.
 */
export interface WhitelistEntry { uuid: string }
export interface Whitelists {
  configure: { update: WhitelistEntry[]; as: WhitelistEntry[] };
  discover: { view: WhitelistEntry[] };
}
export interface WhitelistsPatch {
  configure?: { update?: WhitelistEntry[]; as?: WhitelistEntry[] };
  discover?: { view?: WhitelistEntry[] };
}

/** Without explicit lists the owner (if any) may view and update the device; nobody else may. */
export function defaultWhitelists(owner: string | null): Whitelists {
  const ownerOnly = owner ? [{ uuid: owner }] : [];
  return { configure: { update: ownerOnly, as: [] }, discover: { view: [...ownerOnly] } };
}

/** Lists named in the patch replace the stored ones (Meshblu's $set); the others stay. */
export function mergeWhitelists(base: Whitelists, patch: WhitelistsPatch | undefined): Whitelists {
  return {
    configure: {
      update: canonical(patch?.configure?.update ?? base.configure.update),
      as: canonical(patch?.configure?.as ?? base.configure.as),
    },
    discover: { view: canonical(patch?.discover?.view ?? base.discover.view) },
  };
}

/** Canonical uuids (what the SQL containment checks compare against), each once. */
function canonical(list: WhitelistEntry[]): WhitelistEntry[] {
  const uuids = new Set(list.map((e) => canonicalUuid(e.uuid) ?? e.uuid));
  return [...uuids].map((uuid) => ({ uuid }));
}
