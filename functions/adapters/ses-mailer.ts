import { GetAccountCommand, SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { Mailer, OutgoingEmail, QuotaSource, SendQuota } from '../core/ports.ts';

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
  return {
    async send(msg: OutgoingEmail) {
      const out = await client.send(
        new SendEmailCommand({
          FromEmailAddress: from,
          Destination: { ToAddresses: [msg.to] },
          ConfigurationSetName: opts.configurationSet,
          EmailTags: msg.tags
            ? Object.entries(msg.tags).map(([Name, Value]) => ({ Name, Value }))
            : undefined,
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
        }),
      );
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
