import type { MethodModule } from '../contract/method';

export const batchMethods: MethodModule[] = [];
