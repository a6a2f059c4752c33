/**
 * A small multipart/form-data reader (RFC 7578) for text fields. File parts are skipped.
 *
 * RFC 8058 §8 prints its example with delimiter lines that are the bare boundary
 * (`---FormBoundaryjWmhtjORrn` for `boundary=---FormBoundaryjWmhtjORrn`), not "--" + boundary;
 * mail providers copied that, so when no standard delimiter is found the bare one is tried.
 */

import { decodeUtf8 } from '../core/text-decoding.ts';

const MAX_BOUNDARY = 200;

export function boundaryOf(contentType: string): string | null {
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const b = m?.[1] ?? m?.[2];
  return b && b.length <= MAX_BOUNDARY ? b : null;
}

/** The form's text fields (first value of each name wins), or null when the body is not valid multipart or a field not UTF-8. */
export function parseMultipart(body: Buffer, boundary: string): Map<string, string> | null {
  // latin1 maps bytes 1:1, so splitting never breaks a UTF-8 sequence; values are decoded after.
  const text = body.toString('latin1');
  return readParts(text, `--${boundary}`) ?? readParts(text, boundary);
}

function readParts(text: string, delimiter: string): Map<string, string> | null {
  const lines = text.split(/\r?\n/);
  const isDelimiter = (line: string) => line.trimEnd() === delimiter;
  const isClose = (line: string) => line.trimEnd() === `${delimiter}--`;
  let i = lines.findIndex(isDelimiter);
  if (i < 0) return null;
  const fields = new Map<string, string>();
  while (i < lines.length) {
    // lines[i] is a delimiter: headers follow up to a blank line, then content up to the next delimiter.
    const headers: string[] = [];
    i++;
    while (i < lines.length && lines[i] !== '') headers.push(lines[i++]!);
    if (i >= lines.length) return null;
    i++;
    const content: string[] = [];
    while (i < lines.length && !isDelimiter(lines[i]!) && !isClose(lines[i]!)) content.push(lines[i++]!);
    if (i >= lines.length) return null; // no closing delimiter: truncated body
    const disposition = headers.find((h) => /^content-disposition:/i.test(h)) ?? '';
    const name = /;\s*name=(?:"([^"]*)"|([^;\s]+))/i.exec(disposition);
    const fieldName = name?.[1] ?? name?.[2];
    const isFile = /;\s*filename\*?=/i.test(disposition);
    if (fieldName !== undefined && !isFile && !fields.has(fieldName)) {
      const value = decodeUtf8(Buffer.from(content.join('\r\n'), 'latin1'));
      if (!value.ok) return null;
      fields.set(fieldName, value.text);
    }
    if (isClose(lines[i]!)) return fields;
  }
  return null;
}
