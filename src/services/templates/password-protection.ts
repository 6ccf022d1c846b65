import { hashPassword, verifyPassword } from '../../domain/crypto/password-hash';
import { AppError, E } from '../../errors';

/** As given by the client; the password only ever lives in the request. */
export interface PasswordProtectionInput { password: string; passwordIsPin?: boolean }

/** As stored: an scrypt hash and whether the client should ask for a PIN. */
export interface StoredProtection { hash: string; isPin: boolean }

const PIN = /^[0-9]{4,16}$/;

/** enmeshed's rule: a password announced as a PIN is 4 to 16 digits. */
export function checkPinRule(protection: PasswordProtectionInput | undefined): void {
  if (protection?.passwordIsPin && !PIN.test(protection.password)) throw AppError.of(E.PIN_INVALID);
}

export async function protect(input: PasswordProtectionInput | undefined): Promise<StoredProtection | null> {
  return input ? { hash: await hashPassword(input.password), isPin: input.passwordIsPin ?? false } : null;
}

/**
 * A token for a password-protected template must carry the same protection: the same
 * password (checked against the template's scrypt hash) and the same passwordIsPin.
 * Returns the protection the token stores: the template's own hash when inherited
 * (it is a valid hash of that very password, so no second scrypt run), else a new one.
 */
export async function inheritProtection(
  template: StoredProtection | null, requested: PasswordProtectionInput | undefined,
): Promise<StoredProtection | null> {
  if (!template) return protect(requested);
  const same = requested !== undefined
    && (requested.passwordIsPin ?? false) === template.isPin
    && await verifyPassword(requested.password, template.hash);
  if (!same) throw AppError.of(E.PASSWORD_PROTECTION_MUST_BE_INHERITED);
  return template;
}

/** The public face of a protection: never the password, never the hash. */
export function protectionView(stored: { password_hash: string | null; password_is_pin: boolean | null }) {
  return stored.password_hash ? { passwordProtection: { passwordIsPin: stored.password_is_pin === true } } : {};
}
