/**
 * SES faults the emulator cannot produce (throttling, a refused message, a paused account), as a
 * decorator over the SES v2 port: `fault(n, input)` answers call n with an error, or nothing to
 * pass the call to the real lean client against the SES emulator.
 *
 * Each entry of a SendBulkEmail is one call to `fault`, shown as the SendEmail that would carry
 * it alone (its address, its template data, its headers); an error becomes that entry's status
 * (`MessageRejected` → MESSAGE_REJECTED, as ses-bulk.ts reads them back) and the other entries go
 * to the emulator. `bulk(n, input)` faults the whole bulk call n instead.
 */
import type { BulkEmailEntryResult, SendBulkEmailRequest, SendEmailRequest } from '@aws-sdk/client-sesv2';
import { AwsError } from '../../functions/adapters/aws/lean/errors.ts';
import type { SesCallOptions, SesV2 } from '../../functions/adapters/aws/sesv2-port.ts';
import { statusForError } from '../../functions/adapters/ses-bulk.ts';

/** An error as SES answers it, named and shaped as the lean client (and the SDK) give it. */
export const sesError = (name: string, message: string, status = 400) =>
  new AwsError(name, message, { httpStatusCode: status, attempts: 1 });

type Fault<I> = (call: number, input: I) => Error | undefined;

/** A request SES received without the emulator: admitted and written as the client would. */
async function written(options: SesCallOptions | undefined): Promise<void> {
  const admit = options?.beforeWrite;
  if (admit) for (let later = admit(); later instanceof Promise; later = admit()) await later;
  if (options?.written) process.nextTick(options.written);
}

/** A refusal is an answer to a request SES received: it was admitted and written first. */
async function refuse(err: Error, options: SesCallOptions | undefined): Promise<never> {
  await written(options);
  throw err;
}

/** A bulk entry as the SendEmail that would send it alone. */
function entryAsSend(input: SendBulkEmailRequest, i: number): SendEmailRequest {
  const entry = input.BulkEmailEntries![i]!;
  const template = input.DefaultContent!.Template!;
  const own = entry.ReplacementHeaders ?? [];
  return {
    FromEmailAddress: input.FromEmailAddress,
    Destination: entry.Destination,
    ConfigurationSetName: input.ConfigurationSetName,
    Content: {
      Template: {
        TemplateName: template.TemplateName,
        TemplateData: entry.ReplacementEmailContent?.ReplacementTemplate?.ReplacementTemplateData,
        Headers: [...(template.Headers ?? []).filter((h) => !own.some((o) => o.Name === h.Name)), ...own],
      },
    },
  };
}

export function faultySes(
  real: SesV2,
  fault: Fault<SendEmailRequest>,
  opts: { bulk?: Fault<SendBulkEmailRequest> } = {},
) {
  let calls = 0;
  let bulkCalls = 0;
  const ses: SesV2 = {
    async sendEmail(input, options) {
      const err = fault(++calls, input);
      if (!err) return real.sendEmail(input, options);
      return refuse(err, options);
    },
    async sendBulkEmail(input, options) {
      const n = ++bulkCalls;
      const whole = opts.bulk?.(n, input);
      if (whole) return refuse(whole, options);
      const entries = input.BulkEmailEntries ?? [];
      const refused = entries.map((_, i) => fault(++calls, entryAsSend(input, i)));
      const passed = entries.filter((_, i) => !refused[i]);
      let answered: BulkEmailEntryResult[] = [];
      if (passed.length) {
        const out = await real.sendBulkEmail({ ...input, BulkEmailEntries: passed }, options);
        answered = out.BulkEmailEntryResults ?? [];
      } else await written(options);
      const results: BulkEmailEntryResult[] = [];
      let next = 0;
      for (const err of refused) {
        results.push(
          err
            ? ({
                Status: statusForError(err.name) ?? `UNMAPPED_${err.name}`,
                Error: err.message,
              } as BulkEmailEntryResult)
            : answered[next++]!,
        );
      }
      return { BulkEmailEntryResults: results };
    },
    getAccount: () => real.getAccount(),
    createEmailTemplate: (input) => real.createEmailTemplate(input),
    deleteEmailTemplate: (name) => real.deleteEmailTemplate(name),
  };
  return { ses, calls: () => calls, bulkCalls: () => bulkCalls };
}
