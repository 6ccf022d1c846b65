import type { TestServer } from '../../support/server';

/** An identity and an API key (scope template) bound to it. */
export interface Actor { address: string; key: string }

export async function newActor(s: TestServer, name: string): Promise<Actor> {
  const { address } = await s.call('/identity/create', { attrs: { name } });
  return { address, key: await s.keyWith(['template'], address) };
}

export const inHours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();

/** A template owned by `owner`; `extra` adds forIdentity, passwordProtection, … */
export async function templateOf(s: TestServer, owner: Actor, extra: Record<string, unknown> = {}) {
  return s.call('/relationshipTemplate/create', { content: { '@type': 'RelationshipTemplateContent', title: 'hello' }, expiresAt: inHours(24), ...extra }, owner.key);
}

export async function tokenFor(s: TestServer, owner: Actor, templateId: string, extra: Record<string, unknown> = {}) {
  return s.call('/relationshipTemplate/createToken', { templateId, ...extra }, owner.key);
}

/** The error name of a JSON-RPC call that must fail. */
export async function errorOf(s: TestServer, method: string, params: unknown, key: string) {
  const reply = await s.rpc(method, params, key);
  if (!reply.error) throw new Error(`${method} succeeded: ${JSON.stringify(reply.result)}`);
  return reply.error.data.name as string;
}
