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
}

function summarise(reasons: ImportProblem[]): string {
  const [first] = reasons;
  if (!first) return 'the import file is invalid';
  const where = first.position === null ? '' : `entry ${first.position}${first.serial ? ` (serial ${first.serial})` : ''}: `;
  const more = reasons.length > 1 ? ` (and ${reasons.length - 1} more problem${reasons.length > 2 ? 's' : ''})` : '';
  return `${where}${first.message}${more}`;
}
