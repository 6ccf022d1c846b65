/**
 * DualShield XML seed files. The vendor's own schema is not public; this is the
 * format tokengate documents:
 *
 *   <data>
 *     <header>
 *       <manufacturer>DN</manufacturer><product>ST</product>
 *       <type>TOTP</type><algorithm>SHA1</algorithm><digits>6</digits>
 *       <period>30</period><encoding>hex</encoding>
 *     </header>
 *     <tokens>
 *       <token><serial>10000001</serial><seed>3132…</seed><counter>0</counter></token>
 *     </tokens>
 *   </data>
 *
 * Every header element is optional and a <token> may override any of them (type,
 * algorithm, digits, period, counter, encoding). Defaults: algorithm SHA1, digits 6,
 * encoding hex (or base32, base64), counter 0, period 30. When neither the token nor
 * the header names a type, a period anywhere makes it TOTP, otherwise it is HOTP.
 * manufacturer and product are kept as the token's manufacturer and model.
 * A token's position is its index among the <token> elements.
 */
import { base32Decode, parseHotpCounter } from '../otp';
import { ImportFileError } from './import-file-error';
import { decodeBase64, isHex } from './seed-encodings';
import { DEFAULT_PERIOD, parseOtpAlgorithmName, parseWholeNumber, type TokenDraft } from './token-checks';
import { textAt, type XmlElement } from './xml-tree';
import type { XmlStreamItem } from './xml-stream';

/**
 * The file read one <token> at a time (xml-stream.ts splits <tokens>). The <header>
 * must come before <tokens>, as in the documented layout: a streamed token cannot
 * wait for settings that may follow it.
 */
export async function* readDualshieldStream(items: AsyncIterable<XmlStreamItem>): AsyncGenerator<TokenDraft> {
  let header: XmlElement | undefined;
  let position = 0;
  let sawTokens = false;
  for await (const item of items) {
    if (item.kind === 'root') {
      if (item.root.name !== 'data') throw notDualshield();
    } else if (item.parent === 'tokens') {
      if (item.element.name === 'token') yield readToken(item.element, header, ++position);
    } else if (item.element.name === 'header') {
      header = item.element;
    } else if (item.element.name === 'tokens') {
      sawTokens = true; // its tokens came before it (xml-stream.ts)
    }
  }
  if (!sawTokens) throw notDualshield();
  if (position === 0) throw ImportFileError.ofFile('the file holds no <token> elements');
}

function notDualshield(): ImportFileError {
  return ImportFileError.ofFile('not a DualShield XML file: expected a <data> root holding <tokens>');
}

function readToken(token: XmlElement, header: XmlElement | undefined, position: number): TokenDraft {
  const setting = (name: string) => textAt(token, name) ?? textAt(header, name);
  const serial = textAt(token, 'serial');
  const problems: string[] = [];

  const typeText = setting('type')?.toUpperCase() ?? (setting('period') !== undefined ? 'TOTP' : 'HOTP');
  if (typeText !== 'HOTP' && typeText !== 'TOTP') problems.push('<type> must be HOTP or TOTP');
  const isTotp = typeText === 'TOTP';
  const algorithm = parseOtpAlgorithmName(setting('algorithm') ?? 'SHA1');
  if (algorithm === null) problems.push('<algorithm> must be SHA1, SHA256 or SHA512');
  const digits = wholeNumber(setting('digits') ?? '6', '<digits>', problems);
  const counter = isTotp ? 0n : hotpCounter(setting('counter') ?? '0', problems);
  const period = isTotp ? wholeNumber(setting('period') ?? String(DEFAULT_PERIOD), '<period>', problems) : 0;
  const secret = decodeSeed(textAt(token, 'seed'), setting('encoding') ?? 'hex', problems);

  if (problems.length > 0 || !serial || !secret || algorithm === null || digits === null || counter === null || period === null) {
    return { position, serial, problems };
  }
  const manufacturer = setting('manufacturer');
  const model = setting('product');
  return {
    position,
    serial,
    problems,
    token: {
      position, serial, secret, type: isTotp ? 'TOTP' : 'HOTP', algorithm, digits, counter, period,
      ...(manufacturer ? { manufacturer } : {}),
      ...(model ? { model } : {}),
    },
  };
}

function wholeNumber(text: string, element: string, problems: string[]): number | null {
  const value = parseWholeNumber(text);
  if (value === null) problems.push(`${element} must be a whole number`);
  return value;
}

/** 64-bit (RFC 4226), read as a bigint so no digit is lost. */
function hotpCounter(text: string, problems: string[]): bigint | null {
  const value = parseHotpCounter(text);
  if (value === null) problems.push('<counter> must be a whole number below 2^64');
  return value;
}

/** The seed's text never appears in a message. */
function decodeSeed(seedText: string | undefined, encoding: string, problems: string[]): Buffer | undefined {
  if (!seedText) {
    problems.push('no <seed>');
    return undefined;
  }
  const compact = seedText.replace(/\s+/g, '');
  switch (encoding.toLowerCase()) {
    case 'hex':
      if (isHex(compact)) return Buffer.from(compact, 'hex');
      problems.push('<seed> is not an even number of hexadecimal digits (encoding hex)');
      return undefined;
    case 'base32':
      try {
        return base32Decode(compact);
      } catch {
        problems.push('<seed> is not base32 (encoding base32)');
        return undefined;
      }
    case 'base64': {
      const seed = decodeBase64(compact);
      if (!seed) problems.push('<seed> is not base64 (encoding base64)');
      return seed ?? undefined;
    }
    default:
      problems.push('<encoding> must be hex, base32 or base64');
      return undefined;
  }
}
