import {
  GetAccountCommand,
  SendEmailCommand,
  type SendEmailCommandInput,
  type SESv2Client,
} from '@aws-sdk/client-sesv2';
import type { Mailer, OutgoingEmail, QuotaSource, SendOptions, SendQuota } from '../core/ports.ts';

/** Each call's admission (SendOptions.admit and .written), keyed by the command's input object. */
const admissions = new WeakMap<object, Pick<SendOptions, 'admit' | 'written'>>();
const gated = new WeakSet<SESv2Client>();

/**
 * The last middleware before the request is written (after serialising and signing): the
 * pacer's one-second window counts the send here, and the request is created in the same
 * synchronous step (the HTTP handler runs synchronously up to the socket), so time spent in
 * the SDK, or waiting for the event loop, cannot bunch requests up at SES. Node then writes the
 * request to its (kept-alive) socket on the next tick, after the promise jobs already pending;
 * a tick queued right after the handler has created it runs once it is written, and tells the
 * caller (`written`), whose window then counts the send from there.
 */
function admitBeforeWrite(client: SESv2Client): void {
  if (gated.has(client)) return;
  gated.add(client);
  client.middlewareStack.add(
    (next) => async (args) => {
      const gate = admissions.get(args.input as object);
      if (!gate) return next(args);
      admissions.delete(args.input as object);
      if (gate.admit) for (let later = gate.admit(); later !== 0; later = gate.admit()) await later;
      const out = next(args);
      if (gate.written) process.nextTick(gate.written);
      return out;
    },
    { step: 'deserialize', priority: 'low', name: 'kawarabanAdmitBeforeWrite' },
  );
}

/**
 * SES v2 requires a non-ASCII display name in FromEmailAddress to be an RFC 2047 encoded-word
 * ("=?UTF-8?B?…?="). Each word stays under the 75-character limit and never splits a character.
 */
export function encodeFromAddress(from: string): string {
  const m = /^\s*"?(.*?)"?\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(from);
  if (!m?.[1] || /^[\x20-\x7e]*$/.test(m[1])) return from;
  const words: string[] = [];
  let chunk = '';
  for (const ch of m[1]) {
    if (Buffer.byteLength(chunk + ch, 'utf8') > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  words.push(chunk);
  return `${words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join(' ')} <${m[2]}>`;
}

/** Sends one message through SES v2 (Simple content, so SES builds MIME and DKIM-signs it). */
export function sesMailer(client: SESv2Client, opts: { from: string; configurationSet?: string }): Mailer {
  const from = encodeFromAddress(opts.from);
  admitBeforeWrite(client);
  return {
    async send(msg: OutgoingEmail, options?: SendOptions) {
      const input: SendEmailCommandInput = {
        FromEmailAddress: from,
        Destination: { ToAddresses: [msg.to] },
        ConfigurationSetName: opts.configurationSet,
        EmailTags: msg.tags ? Object.entries(msg.tags).map(([Name, Value]) => ({ Name, Value })) : undefined,
        Content: {
          Simple: {
            Subject: { Data: msg.subject, Charset: 'UTF-8' },
            Body: {
              Html: { Data: msg.html, Charset: 'UTF-8' },
              Text: { Data: msg.text, Charset: 'UTF-8' },
            },
            Headers: msg.headers?.map((h) => ({ Name: h.name, Value: h.value })),
          },
        },
      };
      if (options?.admit || options?.written)
        admissions.set(input, { admit: options.admit, written: options.written });
      const out = await client.send(new SendEmailCommand(input));
      if (!out.MessageId) throw new Error('SES returned no MessageId');
      return { messageId: out.MessageId };
    },
  };
}

export function sesQuota(client: SESv2Client): QuotaSource {
  return {
    async getQuota(): Promise<SendQuota> {
      const a = await client.send(new GetAccountCommand({}));
      return {
        maxSendRate: a.SendQuota?.MaxSendRate ?? 1,
        max24HourSend: a.SendQuota?.Max24HourSend ?? 200,
        sentLast24Hours: a.SendQuota?.SentLast24Hours ?? 0,
        sendingEnabled: a.SendingEnabled ?? true,
      };
    },
  };
}
