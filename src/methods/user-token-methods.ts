import type { MethodModule } from '../contract/method';

export const userTokenMethods: MethodModule[] = [];
