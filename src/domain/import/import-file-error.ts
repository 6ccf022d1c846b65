/** Why an import file is refused; an entry's seed is never part of a message. */
export interface ImportProblem {
  /** 1-based position of the bad entry, null when the file as a whole is wrong */
  position: number | null;
  serial?: string;
  message: string;
}

/** Thrown when anything in the file is wrong: imports are all-or-nothing. */
export class ImportFileError extends Error {
  constructor(public reasons: ImportProblem[]) {
    super(summarise(reasons));
    this.name = 'ImportFileError';
  }

  static ofFile(message: string): ImportFileError {
    return new ImportFileError([{ position: null, message }]);
  }

  /** A file with no token in it; `skipped` names the algorithms of the keys that are not OTP tokens (PSKC). */
  static ofNoTokens(skipped: readonly string[]): ImportFileError {
    return ImportFileError.ofFile(skipped.length > 0
      ? `the file holds no HOTP or TOTP key to import (only ${describeSkipped(skipped)})`
      : 'the file holds no tokens');
  }
}

function summarise(reasons: ImportProblem[]): string {
  const [first] = reasons;
  if (!first) return 'the import file is invalid';
  const where = first.position === null ? '' : `entry ${first.position}${first.serial ? ` (serial ${first.serial})` : ''}: `;
  const more = reasons.length > 1 ? ` (and ${reasons.length - 1} more problem${reasons.length > 2 ? 's' : ''})` : '';
  return `${where}${first.message}${more}`;
}

/** "2 ocra keys and 1 pin key" */
function describeSkipped(algorithms: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const algorithm of algorithms) counts.set(algorithm, (counts.get(algorithm) ?? 0) + 1);
  return [...counts].map(([algorithm, count]) => `${count} ${algorithm.slice(0, 30)} key${count > 1 ? 's' : ''}`).join(' and ');
}
