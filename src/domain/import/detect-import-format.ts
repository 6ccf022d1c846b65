import type { ImportFormat } from './imported-token';
import { looksLikeOathCsv } from './oath-csv';
import { peekXmlRootName } from './xml-tree';

/**
 * Recognises a seed file from its first bytes: XML with a KeyContainer root (any
 * namespace prefix) is PSKC, XML with a <data> root holding <tokens> is DualShield XML,
 * text whose first line that is not blank or a comment has at least 4 comma-separated
 * fields is OATH CSV. Anything else is null: the caller reports it as not recognised.
 */
export function detectImportFormat(text: string): ImportFormat | null {
  const rootName = peekXmlRootName(text);
  if (rootName === 'KeyContainer') return 'pskc';
  if (rootName === 'data') return /<(?:[\w.-]+:)?tokens[\s/>]/.test(text) ? 'dualshield-xml' : null;
  if (rootName !== null || text.trimStart().startsWith('<')) return null;
  return looksLikeOathCsv(text) ? 'oath-csv' : null;
}
