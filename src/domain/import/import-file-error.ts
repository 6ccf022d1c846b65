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
  static ofNoTokens(skipped: SkippedKeys): ImportFileError {
    return ImportFileError.ofFile(skipped.total > 0
      ? `the file holds no HOTP or TOTP key to import (only ${skipped.describe()})`
      : 'the file holds no tokens');
  }
}

/**
 * The keys of a file that are not OTP tokens (OCRA, PIN, …), counted by kind. The kinds
 * come from the file, so only the first MAX_KINDS are told apart; the rest count as "other".
 */
export class SkippedKeys {
  private static readonly MAX_KINDS = 10;
  private readonly counts = new Map<string, number>();
  total = 0;

  add(algorithm: string): void {
    const kind = algorithm.slice(0, 30);
    const key = this.counts.has(kind) || this.counts.size < SkippedKeys.MAX_KINDS ? kind : 'other';
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.total++;
  }

  /** "2 ocra keys and 1 pin key" */
  describe(): string {
    return [...this.counts].map(([kind, count]) => `${count} ${kind} key${count > 1 ? 's' : ''}`).join(' and ');
  }
}

function summarise(reasons: ImportProblem[]): string {
  const [first] = reasons;
  if (!first) return 'the import file is invalid';
  const where = first.position === null ? '' : `entry ${first.position}${first.serial ? ` (serial ${first.serial})` : ''}: `;
  const more = reasons.length > 1 ? ` (and ${reasons.length - 1} more problem${reasons.length > 2 ? 's' : ''})` : '';
  return `${where}${first.message}${more}`;
}

