import type { MethodModule } from '../contract/method';

export const templateMethods: MethodModule[] = [];
