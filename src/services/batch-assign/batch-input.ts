import type { Readable } from 'node:stream';
import type { Upload } from '../../contract/method';
import { AppError, E } from '../../errors';
import { decodeBytes, resolveCharset, sliceText } from './decode-text';

/**
 * The CSV of a call: `attrs.csv` (JSON form, already text) or the streamed text/csv
 * body, never both. An upload is decoded with `attrs.charset`, else the Content-Type's
 * charset, else UTF-8.
 */
export function openBatchText(csv: string | undefined, charset: string | undefined, upload?: Upload): AsyncIterable<string> {
  if (csv !== undefined && upload) throw paramsError('send the CSV either as attrs.csv or as the text/csv body, not both');
  if (csv !== undefined) return sliceText(csv);
  if (!upload) throw paramsError("must have property 'csv' (or send the file as the body with Content-Type: text/csv)");
  const label = charset ?? upload.charset;
  const resolved = resolveCharset(label);
  if (!resolved) throw AppError.of(E.UNSUPPORTED_MEDIA_TYPE, { charset: label, supported: ['UTF-8', 'ISO-8859-1', 'Windows-1252'] });
  if (upload.mediaType !== undefined && upload.mediaType !== 'text/csv') {
    throw AppError.of(E.UNSUPPORTED_MEDIA_TYPE, { mediaType: upload.mediaType, supported: ['text/csv', 'application/json'] });
  }
  const cutOff = () => AppError.of(E.CSV_INVALID, { errors: [] }, 'The upload ended before the file did');
  return decodeBytes(uploadedBytes(upload.stream, cutOff), resolved);
}

/**
 * The body's bytes. A batch that fails early (a bad header, broken quoting) stops
 * reading: the rest of the body is then read and dropped, not cut off, so the error
 * reply reaches the client and its kept-alive connection serves the next call.
 * A client that hangs up mid-upload has sent a short file, not caused a server error.
 */
export async function* uploadedBytes(stream: Readable, cutOff: () => Error): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of stream.iterator({ destroyOnReturn: false })) yield chunk as Buffer;
  } catch {
    throw cutOff();
  } finally {
    if (!stream.readableEnded && !stream.destroyed) stream.resume();
  }
}

function paramsError(message: string): AppError {
  return AppError.of(E.INVALID_PARAMS, { errors: [{ path: '/attrs', message }] });
}
