import { createClient, type TokengateClient } from 'tokengate/client';

/**
 * The signed-in API key lives in sessionStorage (gone when the tab closes, never in a URL
 * or a cookie), and every call goes through the typed client to POST /rpc on this origin.
 */
const STORAGE_KEY = 'tokengate.console.apiKey';

export interface Who { id: string; name: string; scopes: string[]; identity: string | null }

export interface Session {
  client: TokengateClient;
  who: Who;
  /** The key holds this scope (admin holds all): what it does not is hidden or read-only. */
  can(scope: string): boolean;
}

/** Checks the key with /apikey/whoami; only a key the server accepts is kept. */
export async function signIn(key: string): Promise<Session> {
  const client = createClient({ url: location.origin, key });
  const who = await client.apikey.whoami();
  sessionStorage.setItem(STORAGE_KEY, key);
  return {
    client, who,
    can: (scope) => who.scopes.includes('admin') || who.scopes.includes(scope),
  };
}

export const storedKey = (): string | null => sessionStorage.getItem(STORAGE_KEY);

export function signOut(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
