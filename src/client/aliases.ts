import type { MethodName, ParamsOf } from './generated/params';
import type { Answer, DeviceCredentials, Invoke, Mode, Namespaces, ResultOf } from './types';

type P<M extends MethodName> = ParamsOf<M>;
type Creates = P<'/user/createToken'>;
type Session = P<'/device/createSessionToken'>;

/** User access tokens with Droplit's SDK signatures: positional, every argument required. */
export interface UsersApi<W extends Mode> {
  /** droplit.users.createToken(ecosystemId, userId, ttl, expiryType) → {token}, shown only here. */
  createToken(ecosystemId: Creates['ecosystemId'], userId: Creates['id'], ttl: NonNullable<Creates['ttl']>,
    expiryType: NonNullable<Creates['expiryType']>): Answer<W, ResultOf<'/user/createToken'>>;
  verifyToken(token: P<'/user/verifyToken'>['token']): Answer<W, ResultOf<'/user/verifyToken'>>;
  listTokens(ecosystemId: string, userId: string, page?: Omit<P<'/user/listTokens'>, 'ecosystemId' | 'id'>): Answer<W, ResultOf<'/user/listTokens'>>;
  revokeToken(tokenId: P<'/user/revokeToken'>['tokenId']): Answer<W, ResultOf<'/user/revokeToken'>>;
  revokeTokens(ecosystemId: string, userId: string): Answer<W, ResultOf<'/user/revokeTokens'>>;
}

/** The device registry with meshblu-http's signatures: the device uuid first. */
export interface DevicesApi<W extends Mode> {
  /** → the new device's {uuid, token}, the root token shown only here; pass it as createClient({device}). */
  register(attrs?: P<'/device/register'>['attrs']): Answer<W, DeviceCredentials>;
  get(uuid: string): Answer<W, ResultOf<'/device/get'>>;
  update(uuid: string, attrs: P<'/device/update'>['attrs']): Answer<W, ResultOf<'/device/update'>>;
  unregister(uuid: string): Answer<W, ResultOf<'/device/unregister'>>;
  generateAndStoreToken(uuid: string): Answer<W, ResultOf<'/device/generateAndStoreToken'>>;
  createSessionToken(uuid: string, options?: Omit<Session, 'uuid'>): Answer<W, ResultOf<'/device/createSessionToken'>>;
  revokeToken(uuid: string, token: string): Answer<W, ResultOf<'/device/revokeToken'>>;
  revokeTokensByQuery(uuid: string, tag: string): Answer<W, ResultOf<'/device/revokeTokensByQuery'>>;
  searchTokens(uuid: string, query?: Omit<P<'/device/searchTokens'>, 'uuid'>): Answer<W, ResultOf<'/device/searchTokens'>>;
  verifyToken(uuid: string, token: string): Answer<W, ResultOf<'/device/verifyToken'>>;
}

/** The SDK names people coming from Droplit, Meshblu and enmeshed reach for. */
export interface Aliases<W extends Mode> {
  users: UsersApi<W>;
  devices: DevicesApi<W>;
  /** The relationshipTemplate methods (enmeshed-style share tokens), under a shorter name. */
  templates: Namespaces<W>['relationshipTemplate'];
}

export function buildAliases<W extends Mode>(invoke: Invoke<W>, namespaces: Namespaces<W>): Aliases<W> {
  return {
    users: {
      createToken: (ecosystemId, id, ttl, expiryType) => invoke('/user/createToken', { ecosystemId, id, ttl, expiryType }),
      verifyToken: (token) => invoke('/user/verifyToken', { token }),
      listTokens: (ecosystemId, id, page) => invoke('/user/listTokens', { ...page, ecosystemId, id }),
      revokeToken: (tokenId) => invoke('/user/revokeToken', { tokenId }),
      revokeTokens: (ecosystemId, id) => invoke('/user/revokeTokens', { ecosystemId, id }),
    },
    devices: {
      // Without `return` the reply is exactly {uuid, token} (schemas/device/register.json).
      register: (attrs) => invoke('/device/register', attrs === undefined ? {} : { attrs }) as Answer<W, DeviceCredentials>,
      get: (uuid) => invoke('/device/get', { uuid }),
      update: (uuid, attrs) => invoke('/device/update', { uuid, attrs }),
      unregister: (uuid) => invoke('/device/unregister', { uuid }),
      generateAndStoreToken: (uuid) => invoke('/device/generateAndStoreToken', { uuid }),
      createSessionToken: (uuid, options) => invoke('/device/createSessionToken', { ...options, uuid }),
      revokeToken: (uuid, token) => invoke('/device/revokeToken', { uuid, token }),
      revokeTokensByQuery: (uuid, tag) => invoke('/device/revokeTokensByQuery', { uuid, tag }),
      searchTokens: (uuid, query) => invoke('/device/searchTokens', { ...query, uuid }),
      verifyToken: (uuid, token) => invoke('/device/verifyToken', { uuid, token }),
    },
    templates: namespaces.relationshipTemplate,
  };
}
