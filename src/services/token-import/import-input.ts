import type { Upload } from '../../contract/method';
import { detectImportFormat, ImportFileError, type ImportFormat } from '../../domain/import';
import { AppError, E } from '../../errors';
import { uploadedBytes } from '../batch-assign/batch-input';
import { decodeBytes, resolveCharset, sliceText } from '../batch-assign/decode-text';
import type { ImportReader } from './import-entries';

/** The request headers that carry an upload's secrets (a URL lands in logs; SPEC §8). */
export const PSK_HEADER = 'x-tokengate-psk';
export const PASSPHRASE_HEADER = 'x-tokengate-passphrase';

export interface ImportAttrs { data?: string; format?: ImportFormat; psk?: string; passphrase?: string }

/**
 * The file of an import call: `attrs.data` (the JSON form) or the streamed body, never
 * both. With a streamed body the other attrs came from the query string, so a secret
 * there is refused (it is already in a log line, but must not work); psk and
 * passphrase come from the X-Tokengate-Psk / X-Tokengate-Passphrase headers instead.
 */
export function openImportFile(attrs: ImportAttrs, upload: Upload | undefined) {
  if (attrs.data !== undefined && upload) throw paramsError('send the file either as attrs.data or as the request body, not both');
  if (!upload) {
    const data = attrs.data!;
    const format = attrs.format ?? detectImportFormat(data);
    if (!format) throw fileError('the file is not recognised: expected PSKC (RFC 6030) XML, DualShield XML or OATH CSV');
    return { text: sliceText(data), reader: format as ImportReader, psk: attrs.psk, passphrase: attrs.passphrase };
  }
  const inUrl = (['psk', 'passphrase'] as const).filter((name) => attrs[name] !== undefined);
  if (inUrl.length > 0) {
    throw paramsError(`${inUrl.join(' and ')} must never be in the URL (URLs are logged): send them in the X-Tokengate-Psk and X-Tokengate-Passphrase headers`);
  }
  const charset = resolveCharset(upload.charset);
  if (!charset) throw AppError.of(E.UNSUPPORTED_MEDIA_TYPE, { charset: upload.charset, supported: ['UTF-8', 'ISO-8859-1', 'Windows-1252'] });
  const cutOff = () => fileError('the upload ended before the file did; nothing was imported');
  return {
    text: decodeBytes(uploadedBytes(upload.stream, cutOff), charset),
    reader: readerFor(upload.mediaType, attrs.format),
    psk: upload.header?.(PSK_HEADER) || undefined,
    passphrase: upload.header?.(PASSPHRASE_HEADER) || undefined,
  };
}

/** text/csv is OATH CSV; an XML body is PSKC or DualShield XML (the root element tells, or `format`). */
function readerFor(mediaType: string | undefined, format: ImportFormat | undefined): ImportReader {
  const xml = mediaType !== 'text/csv';
  if (format === undefined) return xml ? 'xml' : 'oath-csv';
  if (xml === (format === 'oath-csv')) {
    throw paramsError(`format ${format} does not match the body's Content-Type ${mediaType}: send OATH CSV as text/csv, PSKC and DualShield XML as application/pskc+xml or application/xml`);
  }
  return format;
}

function paramsError(message: string): AppError {
  return AppError.of(E.INVALID_PARAMS, { errors: [{ path: '/attrs', message }] });
}

function fileError(message: string): AppError {
  const reason = ImportFileError.ofFile(message);
  return AppError.of(E.IMPORT_FILE_INVALID, { errors: reason.reasons }, reason.message);
}
