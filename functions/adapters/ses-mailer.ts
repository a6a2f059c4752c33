import type {
  BulkOutcome,
  Mailer,
  OutgoingEmail,
  QuotaSource,
  SendOptions,
  SendQuota,
} from '../core/ports.ts';
import type { RenderedReport } from '../core/report.ts';
import type { SesV2 } from './aws/sesv2-port.ts';
import { BULK_MAX_ENTRIES, isTemplateNotFound } from './ses-bulk.ts';
import { sendEmailBody, sendEmailInput, type SendEmailFrom } from './ses-send-body.ts';
import { SesTemplates, type TemplateLog } from './ses-templates.ts';

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

/**
 * Sends one message through SES v2 (SES builds MIME and DKIM-signs it). With `templates`, a
 * newsletter (a message with a rendered part to `fill`) names its part's SES template and
 * carries only the reader's token and headers (ses-templates.ts); anything else, or a part that
 * cannot be a template, goes as Simple content.
 * A send's admission (SendOptions.admit) is the transport's `beforeWrite`: asked after the
 * message is serialised and signed, right before the request is written, and the request is
 * created in the same synchronous step — so time spent building the call, or waiting for the
 * event loop, cannot bunch requests up at SES. Node then writes the request to its socket on the
 * next tick, after the promise jobs already pending; `written` (SendOptions.written) is told on
 * the tick after that, and the caller's window counts the send from there.
 */
export function sesMailer(
  client: SesV2,
  opts: { from: string; configurationSet?: string; templates?: boolean | SesTemplates; warn?: TemplateLog },
): Mailer {
  const from = encodeFromAddress(opts.from);
  const templates =
    opts.templates === true ? new SesTemplates(client, { warn: opts.warn }) : opts.templates || undefined;
  const sender = { from, configurationSet: opts.configurationSet };
  /** By its template when it has one, else Simple; undefined when the template was missing (nothing sent). */
  async function sendOnce(msg: OutgoingEmail, options?: SendOptions) {
    const templated = templates && (await templates.input(sender, msg));
    if (!templated) return sendSimple(client, sender, msg, options);
    return templates.send(templated, options);
  }
  /** A missing template costs a second request, as Simple content, admitted again. */
  async function send(msg: OutgoingEmail, options?: SendOptions) {
    return (await sendOnce(msg, options)) ?? sendSimple(client, sender, msg, options);
  }
  if (!templates) return { send };
  return {
    send,
    /**
     * One SendBulkEmail per template among the messages (a group mixes locales), the rest one by
     * one; all of them admitted as one. A message whose template turned out missing was not
     * sent: it goes again as Simple content, admitted again (a second request, as for `send`).
     */
    async sendBulk(msgs: OutgoingEmail[], options?: SendOptions): Promise<BulkOutcome[]> {
      const out: BulkOutcome[] = [];
      const again: number[] = [];
      const admission = sharedAdmission(options);
      const { bulks, alone } = await templates.bulkInputs(sender, msgs);
      await Promise.all([
        ...bulks.map(async (b) => {
          const results = await outcomes(() => templates.sendBulk(b, admission), b.indices.length);
          b.indices.forEach((i, j) => {
            const r = results?.[j];
            if (!r || isTemplateNotFound(r)) again.push(i);
            else out[i] = r;
          });
        }),
        ...alone.map(async (i) => {
          const result = await outcomes(async () => {
            const sent = await sendOnce(msgs[i]!, admission);
            return sent && [sent];
          }, 1);
          if (result) out[i] = result[0]!;
          else again.push(i);
        }),
      ]);
      const simple = sharedAdmission(options);
      await Promise.all(
        again.map(async (i) => {
          out[i] = (await outcomes(async () => [await sendSimple(client, sender, msgs[i]!, simple)], 1))![0]!;
        }),
      );
      return out;
    },
    bulkLimit: BULK_MAX_ENTRIES,
    retire: (rendered: RenderedReport) => templates.retire(rendered),
  };
}

async function sendSimple(client: SesV2, sender: SendEmailFrom, msg: OutgoingEmail, options?: SendOptions) {
  const out = await client.sendEmail(sendEmailInput(sender, msg), {
    beforeWrite: options?.admit,
    written: options?.written,
    body: msg.fill ? () => sendEmailBody(sender, msg) : undefined,
  });
  if (!out.MessageId) throw new Error('SES returned no MessageId');
  return { messageId: out.MessageId };
}

/** A request's outcomes; its error, when it throws, is the outcome of each of its `n` messages. */
async function outcomes(
  request: () => Promise<BulkOutcome[] | undefined>,
  n: number,
): Promise<BulkOutcome[] | undefined> {
  try {
    return await request();
  } catch (error) {
    return Array.from({ length: n }, () => ({ error }));
  }
}

/**
 * One admission for several requests: the first to be admitted counts them all (the caller
 * admits the group's size), the others then go at once; `written` is told once, by the first.
 */
function sharedAdmission(options: SendOptions | undefined): SendOptions | undefined {
  if (!options) return undefined;
  const { admit, written } = options;
  let admitted = false;
  let told = false;
  return {
    admit:
      admit &&
      (() => {
        if (admitted) return 0;
        const wait = admit();
        if (wait === 0) admitted = true;
        return wait;
      }),
    written:
      written &&
      (() => {
        if (told) return;
        told = true;
        written();
      }),
  };
}

export function sesQuota(client: SesV2): QuotaSource {
  return {
    async getQuota(): Promise<SendQuota> {
      const a = await client.getAccount();
      return {
        maxSendRate: a.SendQuota?.MaxSendRate ?? 1,
        max24HourSend: a.SendQuota?.Max24HourSend ?? 200,
        sentLast24Hours: a.SendQuota?.SentLast24Hours ?? 0,
        sendingEnabled: a.SendingEnabled ?? true,
      };
    },
  };
}
