import type { MethodModule } from '../contract/method';

export const deviceMethods: MethodModule[] = [];
