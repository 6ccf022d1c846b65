import type { MethodModule } from '../contract/method';
import tokenBatchAssignTokens from './token/batchAssignTokens';

/** Bulk work on files of any size (SPEC /token/batchAssignTokens). */
export const batchMethods: MethodModule[] = [tokenBatchAssignTokens];
