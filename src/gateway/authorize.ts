import type { Caller, MethodModule } from '../contract/method';
import { AppError, E } from '../errors';

export function authorize(caller: Caller, method: MethodModule): void {
  const allowed = caller.kind === 'operator' ? true
    : caller.kind === 'device' ? method.allowDevices === true
    : method.scope === 'any-api-key' || caller.scopes.includes('admin') || caller.scopes.includes(method.scope);
  if (!allowed) throw AppError.of(E.FORBIDDEN, { scope: method.scope });
}
