export type { OtpAlgorithm, OtpCodeOptions } from './otp-code';
export { isOtpAlgorithm, MAX_OTP_DIGITS } from './otp-code';
export type { HotpWindowOptions, HotpSyncOptions } from './hotp';
export { generateHotp, findHotpCounter, syncHotp, HOTP_SYNC_WINDOW } from './hotp';
export type { TotpOptions, TotpWindowOptions, TotpSyncOptions, TotpSyncResult } from './totp';
export { generateTotp, totpStep, findTotpStep, syncTotp, TOTP_SYNC_WINDOW_SECONDS } from './totp';
export type { OtpauthUriParams } from './otpauth-uri';
export { buildOtpauthUri } from './otpauth-uri';
export { base32Encode, base32Decode } from './base32';
