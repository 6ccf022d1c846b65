/**
 * Compiled (never run) by sdk-types.test.ts: what a caller's build accepts and refuses.
 * Each @ts-expect-error must be an error, or the compilation fails.
 */
import { createClient, TokengateError, type MethodName, type ParamsOf, type KnownResults, type UserTokenIntrospection } from '../../../src/client';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
const expectTrue = <T extends true>(_proof?: T) => undefined;

export async function accepted() {
  const tg = createClient({ url: 'http://localhost:8080', key: 'tgk_x' });
  const { token } = await tg.users.createToken('eco', 'user', 3600, 'SlidingTtl');
  token.toUpperCase();
  await tg.user.createToken({ ecosystemId: 'eco', id: 'user' });
  await tg.token.create({ attrs: { product: { manufacturerCode: 'DN', productCode: 'MT' }, user: { id: 'u' } } });
  await tg.token.create({ attrs: { data: '<pskc/>', product: { id: 'p' }, psk: '00' } });
  await tg.token.get({ token: { serial: 'S1' }, return: ['id', { assignedUsers: ['loginName'] }] });
  await tg.domain.search();
  await tg.domain.search({ match: [['name', 'like', 'a%']], limit: 10 });
  await tg.user.get({ domain: { name: 'd' }, loginNam: 'bob' });
  await tg.token.reset({ token: { serial: 'S1' }, attrs: { counter: '9007199254740993' } });
  const device = await tg.devices.generateAndStoreToken('uuid');
  expectTrue<Equal<typeof device.token, string>>();
  void device; // checked for its type only
  const registered = await tg.devices.register({ name: 'thermostat' });
  createClient({ url: 'http://localhost:8080', device: registered }); // register's answer signs a device in
  await tg.templates.createToken({ templateId: 'RLT', passwordProtection: { password: '1234', passwordIsPin: true } });
  await tg.token.batchAssignTokensFromCsv('domain,loginName\n', { mode: 'partial', dryRun: true });
  const [domain, users] = await tg.batch((b) => [b.domain.get({ id: 'x' }), b.users.verifyToken('t')]);
  if (!(domain instanceof TokengateError)) domain.anything;
  expectTrue<Equal<typeof users, UserTokenIntrospection | TokengateError>>();
  if (!(users instanceof TokengateError) && users.active) users.userId.toLowerCase();
  try { await tg.token.confine({ id: 'x' }); } catch (err) { if (err instanceof TokengateError) [err.name, err.code, err.status, err.data]; }
  await tg.call('/audit/search', { limit: 5 });
  await tg.callUnchecked('/future/method', { anything: 1 });
  expectTrue<Equal<ParamsOf<'/user/revokeToken'>, { tokenId: string }>>();
  expectTrue<Equal<Exclude<keyof KnownResults, MethodName>, never>>();
}

export async function refused() {
  const tg = createClient({ url: 'http://localhost:8080' });
  // @ts-expect-error Droplit's signature: every argument required
  await tg.users.createToken('eco', 'user', 3600);
  // @ts-expect-error expiryType is an enum
  await tg.users.createToken('eco', 'user', 3600, 'Forever');
  // @ts-expect-error ttl is a number
  await tg.user.createToken({ ecosystemId: 'eco', id: 'user', ttl: '60' });
  // @ts-expect-error unknown fields are refused, as by the server
  await tg.user.createToken({ ecosystemId: 'eco', id: 'user', userId: 'x' });
  // @ts-expect-error required params
  await tg.token.get();
  // @ts-expect-error a software token takes no import fields (if/then/else)
  await tg.token.create({ attrs: { product: { id: 'p' }, user: { id: 'u' }, psk: '00' } });
  // @ts-expect-error an import takes no user
  await tg.token.create({ attrs: { data: 'x', user: { id: 'u' } } });
  // @ts-expect-error a user reference needs id or domain + loginName
  await tg.auth.verify({ user: { loginName: 'bob' }, credential: { otp: '123456' } });
  // @ts-expect-error match ops are an enum
  await tg.token.search({ match: [['serial', '~', 'x']] });
  // @ts-expect-error no such method
  await tg.token.frobnicate({});
  // @ts-expect-error no such method name
  await tg.call('/token/frobnicate', {});
}
