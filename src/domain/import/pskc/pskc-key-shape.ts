/**
 * Type checks on the parts of a <Key> tokengate does not otherwise use (check-digit
 * flags, challenge lengths, policy numbers): a file that gets those wrong is not
 * trusted for the parts it does use.
 */
import { parseWholeNumber } from '../token-checks';
import { childElement, elementAt, type XmlElement } from '../xml-tree';

const INTEGER_ATTRIBUTES: [path: string[], attributes: string[]][] = [
  [['AlgorithmParameters', 'ResponseFormat'], ['Length']],
  [['AlgorithmParameters', 'ChallengeFormat'], ['Min', 'Max']],
  [['Policy', 'PINPolicy'], ['MinLength', 'MaxLength', 'MaxFailedAttempts']],
];
const BOOLEAN_ATTRIBUTES: [path: string[], attributes: string[]][] = [
  [['AlgorithmParameters', 'ResponseFormat'], ['CheckDigits', 'CheckDigit']],
  [['AlgorithmParameters', 'ChallengeFormat'], ['CheckDigits', 'CheckDigit']],
];
const INTEGER_ELEMENTS = ['NumberOfTransactions'];
const DATE_ELEMENTS = ['StartDate', 'ExpiryDate'];

export function keyShapeProblems(key: XmlElement): string[] {
  const problems: string[] = [];
  for (const [path, attributes] of INTEGER_ATTRIBUTES) {
    const element = elementAt(key, ...path);
    for (const name of attributes) {
      const value = element?.attributes[name];
      if (value !== undefined && parseWholeNumber(value) === null) {
        problems.push(`${path.at(-1)} ${name} is not a whole number (${quoted(value)})`);
      }
    }
  }
  for (const [path, attributes] of BOOLEAN_ATTRIBUTES) {
    const element = elementAt(key, ...path);
    for (const name of attributes) {
      const value = element?.attributes[name];
      if (value !== undefined && !/^(true|false|1|0)$/i.test(value.trim())) {
        problems.push(`${path.at(-1)} ${name} is not a boolean (${quoted(value)})`);
      }
    }
  }
  const policy = childElement(key, 'Policy');
  for (const name of INTEGER_ELEMENTS) {
    const text = childElement(policy, name)?.text;
    if (text !== undefined && parseWholeNumber(text) === null) problems.push(`Policy ${name} is not a whole number (${quoted(text)})`);
  }
  for (const name of DATE_ELEMENTS) {
    const text = childElement(policy, name)?.text;
    if (text !== undefined && Number.isNaN(Date.parse(text))) problems.push(`Policy ${name} is not a date (${quoted(text)})`);
  }
  return problems;
}

/** Metadata may be echoed to say what is wrong, but never at length. */
export function quoted(value: string): string {
  const trimmed = value.trim();
  return JSON.stringify(trimmed.length > 40 ? `${trimmed.slice(0, 40)}…` : trimmed);
}
