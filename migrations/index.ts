import { Gateway1764130000001 } from './1764130000001-gateway';
import { OtpTokens1764130000002 } from './1764130000002-otp-tokens';
import { UserTokens1764130000003 } from './1764130000003-user-tokens';
import { Devices1764130000004 } from './1764130000004-devices';
import { Templates1764130000005 } from './1764130000005-templates';
import { RateLimits1764130000006 } from './1764130000006-rate-limits';
import { NameKeys1764130000008 } from './1764130000008-name-keys';
import { Ops1764130000009 } from './1764130000009-ops';
import { CallerNotify1764130000011 } from './1764130000011-caller-notify';
import { SlidingExpiryBrin1764130000013 } from './1764130000013-sliding-expiry-brin';
import { RadiusClients1764130000020 } from './1764130000020-radius-clients';
import { DirectoryDomains1764130000030 } from './1764130000030-directory-domains';
import { TokenImportReplies1764130000047 } from './1764130000047-token-import-replies';

/** Every migration, in order. Never edit one that has landed: add a new one. */
export const migrations = [
  Gateway1764130000001,
  OtpTokens1764130000002,
  UserTokens1764130000003,
  Devices1764130000004,
  Templates1764130000005,
  RateLimits1764130000006,
  NameKeys1764130000008,
  Ops1764130000009,
  CallerNotify1764130000011,
  SlidingExpiryBrin1764130000013,
  RadiusClients1764130000020,
  DirectoryDomains1764130000030,
  TokenImportReplies1764130000047,
];
