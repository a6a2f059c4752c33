/**
 * SendEmail's request, and its JSON body built from pieces encoded once per rendered part.
 *
 * A newsletter's body is the same for every reader but the address, the unsubscribe token (in
 * the HTML, the text and the headers) and nothing else. Encoding the whole input per send
 * (`JSON.stringify` of ~33,000 mostly Japanese characters, then UTF-8) took ~155 µs of the
 * ~200 µs a send spent before signing, and touched ~200 KB of memory on a process that wakes
 * up cold 14 times a second. Here the HTML and text are encoded once, split at the placeholder,
 * and each send only joins those bytes with its token and its small fields.
 *
 * `sendEmailInput` is the input as the SDK shapes it; `sendEmailBody` gives, byte for byte, what
 * `JSON.stringify` of that input gives (test/unit/ses-send-body.test.ts checks it on arbitrary
 * text, lone surrogates and escapes included).
 */
import type { SendEmailRequest } from '@aws-sdk/client-sesv2';
import type { OutgoingEmail, PersonalisedBody } from '../core/ports.ts';

export interface SendEmailFrom {
  /** FromEmailAddress, already encoded (ses-mailer.ts encodeFromAddress). */
  from: string;
  configurationSet?: string;
}

/** The input's fields before its content, in the order JSON writes them. */
export const head = (sender: SendEmailFrom, msg: OutgoingEmail) => ({
  FromEmailAddress: sender.from,
  Destination: { ToAddresses: [msg.to] },
  ConfigurationSetName: sender.configurationSet,
  EmailTags: msg.tags ? Object.entries(msg.tags).map(([Name, Value]) => ({ Name, Value })) : undefined,
});

/** The SendEmail input for one message; the HTML and text are read only if someone reads them. */
export function sendEmailInput(sender: SendEmailFrom, msg: OutgoingEmail): SendEmailRequest {
  return {
    ...head(sender, msg),
    Content: {
      Simple: {
        Subject: { Data: msg.subject, Charset: 'UTF-8' },
        Body: {
          Html: {
            get Data() {
              return msg.html;
            },
            Charset: 'UTF-8',
          },
          Text: {
            get Data() {
              return msg.text;
            },
            Charset: 'UTF-8',
          },
        },
        Headers: msg.headers?.map((h) => ({ Name: h.name, Value: h.value })),
      },
    },
  };
}

/** A string's JSON encoding without its quotes, as UTF-8 (lone surrogates are escaped: ASCII). */
const inner = (s: string) => Buffer.from(JSON.stringify(s).slice(1, -1), 'utf8');

/** A value JSON leaves as it is, so it can go between two encoded pieces: printable ASCII, no quote or backslash. */
const PLAIN = /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * A rendered part's text, encoded once: the pieces between its placeholders. Each piece is
 * encoded alone, which is the same as encoding the whole: JSON escapes character by character,
 * and what stands between the pieces (the placeholder, then the token) is plain ASCII, so a
 * surrogate at a piece's edge is lone in the whole too.
 */
const encodedParts = new WeakMap<object, Map<string, { html: Buffer[]; text: Buffer[] }>>();

function encodedPart(fill: PersonalisedBody): { html: Buffer[]; text: Buffer[] } {
  let byPlaceholder = encodedParts.get(fill.part);
  if (!byPlaceholder) {
    byPlaceholder = new Map();
    encodedParts.set(fill.part, byPlaceholder);
  }
  let out = byPlaceholder.get(fill.placeholder);
  if (!out) {
    out = {
      html: fill.part.html.split(fill.placeholder).map(inner),
      text: fill.part.text.split(fill.placeholder).map(inner),
    };
    byPlaceholder.set(fill.placeholder, out);
  }
  return out;
}

/**
 * The JSON body of `sendEmailInput(sender, msg)`, or undefined when the message has no
 * rendered part to start from (or a placeholder or token JSON would escape): then the client
 * encodes the input itself.
 */
export function sendEmailBody(sender: SendEmailFrom, msg: OutgoingEmail): Buffer | undefined {
  const fill = msg.fill;
  if (!fill?.placeholder || !PLAIN.test(fill.placeholder) || !PLAIN.test(fill.value)) return undefined;
  const { html, text } = encodedPart(fill);
  const value = Buffer.from(fill.value, 'latin1');
  const chunks: Buffer[] = [];
  // The head's JSON without its closing brace (`{` alone if every field were missing).
  const headJson = JSON.stringify(head(sender, msg)).slice(0, -1);
  const join = (pieces: Buffer[]) =>
    pieces.forEach((piece, i) => {
      if (i > 0) chunks.push(value);
      chunks.push(piece);
    });
  chunks.push(
    Buffer.from(
      `${headJson}${headJson.length > 1 ? ',' : ''}"Content":{"Simple":{"Subject":${JSON.stringify({ Data: msg.subject, Charset: 'UTF-8' })},"Body":{"Html":{"Data":"`,
      'utf8',
    ),
  );
  join(html);
  chunks.push(Buffer.from('","Charset":"UTF-8"},"Text":{"Data":"', 'latin1'));
  join(text);
  const headers = msg.headers?.map((h) => ({ Name: h.name, Value: h.value }));
  chunks.push(
    Buffer.from(`","Charset":"UTF-8"}}${headers ? `,"Headers":${JSON.stringify(headers)}` : ''}}}}`, 'utf8'),
  );
  return Buffer.concat(chunks);
}
