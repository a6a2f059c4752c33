/**
 * SES faults the emulator cannot produce (throttling, a refused message, a paused account), as a
 * decorator over the SES v2 port: `fault(n, input)` answers call n with an error, or nothing to
 * pass the call to the real lean client against the SES emulator.
 */
import type { SendEmailRequest } from '@aws-sdk/client-sesv2';
import { AwsError } from '../../functions/adapters/aws/lean/errors.ts';
import type { SesV2 } from '../../functions/adapters/aws/sesv2-port.ts';

/** An error as SES answers it, named and shaped as the lean client (and the SDK) give it. */
export const sesError = (name: string, message: string, status = 400) =>
  new AwsError(name, message, { httpStatusCode: status, attempts: 1 });

export function faultySes(real: SesV2, fault: (call: number, input: SendEmailRequest) => Error | undefined) {
  let calls = 0;
  const ses: SesV2 = {
    async sendEmail(input, options) {
      const err = fault(++calls, input);
      if (!err) return real.sendEmail(input, options);
      // A refusal is an answer to a request SES received: it was admitted and written first.
      const admit = options?.beforeWrite;
      if (admit) for (let later = admit(); later instanceof Promise; later = admit()) await later;
      if (options?.written) process.nextTick(options.written);
      throw err;
    },
    getAccount: () => real.getAccount(),
    createEmailTemplate: (input) => real.createEmailTemplate(input),
    deleteEmailTemplate: (name) => real.deleteEmailTemplate(name),
  };
  return { ses, calls: () => calls };
}
