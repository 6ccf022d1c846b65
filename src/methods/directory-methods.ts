import type { MethodModule } from '../contract/method';

export const directoryMethods: MethodModule[] = [];
