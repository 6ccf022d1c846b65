import type { CsvRecord } from './csv-records';

/**
 * The DualShield bulk-assignment layout and the checks one row can have on its own
 * (everything that needs the database is checked later, set-based, in SQL).
 */
export const REQUIRED_COLUMNS = ['domain', 'loginName', 'manufacturerCode', 'productCode', 'serial'] as const;
export const OPTIONAL_COLUMNS = ['status', 'pin'] as const;
type Column = (typeof REQUIRED_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number];
const ALL_COLUMNS: readonly Column[] = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS];

/** Where each column sits in a row; `width` is the number of fields every row must have. */
export interface ColumnLayout {
  index: Partial<Record<Column, number>>;
  width: number;
}

/** The limits of schemas/common.json (name, loginName, productRef, tokenRef). */
const MAX_LENGTH: Record<Exclude<Column, 'status' | 'pin'>, number> = {
  domain: 200, loginName: 200, manufacturerCode: 50, productCode: 50, serial: 100,
};
/** schemas/common.json `pin`: 4 to 32 printable ASCII characters, no whitespace. */
export const PIN_PATTERN = /^[\x21-\x7e]{4,32}$/;
/** The row's status is the assignment's (token_assignments.status); case is ignored. */
export const ASSIGNMENT_STATUSES = ['ACTIVE', 'DISABLED'];

export class CsvHeaderError extends Error {}

/** The header's layout; names are case-sensitive, unknown or repeated names are refused. */
export function readHeader(fields: readonly string[]): ColumnLayout {
  const index: ColumnLayout['index'] = {};
  fields.forEach((name, i) => {
    if (!ALL_COLUMNS.includes(name as Column)) {
      throw new CsvHeaderError(`unknown column "${name.slice(0, 50)}"; the columns are ${ALL_COLUMNS.join(', ')} (case-sensitive)`);
    }
    if (index[name as Column] !== undefined) throw new CsvHeaderError(`the column "${name}" appears twice`);
    index[name as Column] = i;
  });
  const missing = REQUIRED_COLUMNS.filter((c) => index[c] === undefined);
  if (missing.length) {
    throw new CsvHeaderError(`the header lacks ${missing.join(', ')}; required: ${REQUIRED_COLUMNS.join(', ')} (case-sensitive)`);
  }
  return { index, width: fields.length };
}

export interface CheckedRow {
  line: number;
  domain: string;
  loginName: string;
  manufacturerCode: string;
  productCode: string;
  serial: string;
  /** ACTIVE | DISABLED, or null when the column is absent or empty. */
  status: string | null;
  /** In the clear only until staging seals it; null when absent or empty. */
  pin: string | null;
  errorName: 'CSV_INVALID' | 'TOKEN_PIN_INVALID' | null;
  errorMessage: string | null;
}

/** One row against the layout: field count, empty or over-long values, status, PIN format. */
export function checkRow(record: CsvRecord, layout: ColumnLayout): CheckedRow {
  const { fields, line } = record;
  // PostgreSQL text cannot hold NUL; such a row is refused below and staged without it.
  const hasNul = fields.some((f) => f.includes('\0'));
  const field = (c: Column) => {
    const value = layout.index[c] === undefined ? '' : fields[layout.index[c]!] ?? '';
    return hasNul ? value.replaceAll('\0', '') : value;
  };
  const status = field('status').toUpperCase();
  const row: CheckedRow = {
    line,
    domain: field('domain'), loginName: field('loginName'), manufacturerCode: field('manufacturerCode'),
    productCode: field('productCode'), serial: field('serial'),
    status: status || null, pin: field('pin') || null, errorName: null, errorMessage: null,
  };
  const problem = shapeProblem(fields.length, layout.width)
    ?? (hasNul ? 'a field contains a NUL character' : undefined)
    ?? REQUIRED_COLUMNS.map((c) => valueProblem(c, row[c])).find(Boolean)
    ?? (row.status && !ASSIGNMENT_STATUSES.includes(row.status) ? `status must be ${ASSIGNMENT_STATUSES.join(' or ')}` : undefined);
  if (problem) return { ...row, pin: null, errorName: 'CSV_INVALID', errorMessage: problem };
  if (row.pin !== null && !PIN_PATTERN.test(row.pin)) {
    return { ...row, pin: null, errorName: 'TOKEN_PIN_INVALID', errorMessage: 'the PIN must be 4 to 32 printable ASCII characters without spaces' };
  }
  return row;
}

function shapeProblem(found: number, expected: number): string | undefined {
  return found === expected ? undefined : `expected ${expected} fields as in the header, found ${found}`;
}

function valueProblem(column: keyof typeof MAX_LENGTH, value: string): string | undefined {
  if (value === '') return `${column} is empty`;
  if (value.length > MAX_LENGTH[column]) return `${column} is longer than ${MAX_LENGTH[column]} characters`;
  return undefined;
}
