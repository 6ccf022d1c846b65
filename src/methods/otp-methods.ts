import type { MethodModule } from '../contract/method';

export const otpMethods: MethodModule[] = [];
