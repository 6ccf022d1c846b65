import { createClient, type TokengateClient } from '../../../src/client';
import type { TestServer } from '../../support/server';

/** The SDK pointed at the test server, with the admin key unless another key is given. */
export function sdkFor(s: TestServer, key: string = s.adminKey, fetchFn?: typeof fetch): TokengateClient {
  return createClient({ url: s.url, key, fetch: fetchFn });
}

const suffix = () => Math.random().toString(36).slice(2, 8);

/** A domain and a user in it, made through the SDK's directory methods. */
export async function sdkUser(tg: TokengateClient, loginName = `user-${suffix()}`) {
  const domainName = `dom-${suffix()}`;
  const { id: domainId } = await tg.domain.create({ attrs: { name: domainName } });
  const { id } = await tg.user.create({ attrs: { domain: { id: domainId }, loginName } });
  return { id: id as string, loginName, domain: { id: domainId as string, name: domainName } };
}
