/**
 * otpauth:// URIs (Google Authenticator Key Uri Format), the payload of enrolment QR codes:
 *   otpauth://totp/Issuer:account?secret=BASE32&issuer=Issuer&algorithm=SHA1&digits=6&period=30
 * Every parameter is written out even when it is the default, because several apps
 * ignore what they do not see rather than assume the defaults.
 */
import { base32Encode } from './base32';
import type { OtpAlgorithm } from './otp-code';

export interface OtpauthUriParams {
  type: 'HOTP' | 'TOTP';
  secret: Buffer;
  /** shown as the account's provider; '' leaves it out */
  issuer: string;
  account: string;
  algorithm: OtpAlgorithm;
  digits: number;
  /** TOTP seconds per step, default 30 */
  period?: number;
  /** HOTP next counter, default 0; written in full decimal even beyond 2^53 */
  counter?: number | bigint;
}

export function buildOtpauthUri(params: OtpauthUriParams): string {
  // encodeURIComponent, not URLSearchParams: apps read '+' literally, %20 as a space,
  // and a ':' inside issuer or account must not be taken for the label separator
  const label = params.issuer
    ? `${encodeURIComponent(params.issuer)}:${encodeURIComponent(params.account)}`
    : encodeURIComponent(params.account);
  const query: [string, string][] = [['secret', base32Encode(params.secret)]];
  if (params.issuer) query.push(['issuer', params.issuer]);
  query.push(['algorithm', params.algorithm], ['digits', String(params.digits)]);
  if (params.type === 'TOTP') query.push(['period', String(params.period ?? 30)]);
  else query.push(['counter', String(params.counter ?? 0)]);
  const queryText = query.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&');
  return `otpauth://${params.type.toLowerCase()}/${label}?${queryText}`;
}
