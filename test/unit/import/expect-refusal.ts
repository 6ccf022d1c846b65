import { ImportFileError } from '../../../src/domain/import';

/** Runs an import that must be refused and returns the error for its reasons to be checked. */
export async function expectRefusal(run: () => Promise<unknown>): Promise<ImportFileError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof ImportFileError) {
      expect(error.reasons.length).toBeGreaterThan(0);
      for (const reason of error.reasons) expect(reason.message).not.toBe('');
      return error;
    }
    throw error;
  }
  throw new Error('the import was expected to be refused with an ImportFileError');
}
