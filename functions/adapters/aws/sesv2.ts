/** The SES v2 clients, created once per module load; endpoint from AWS_ENDPOINT_URL_SESV2. */
import { SESv2Client, type SESv2ClientConfig } from '@aws-sdk/client-sesv2';
import { traced } from './tracer.ts';

export const sesv2 = traced(new SESv2Client({}));

/**
 * A client for newsletter SendEmail calls: one attempt per call. An SDK retry after a timeout
 * could send a second copy behind the ledger's back; the dispatcher retries throttling itself
 * and leaves anything else to the ledger (the claim stays, the next run re-sends).
 */
export const sendingSesClient = (config: SESv2ClientConfig = {}) =>
  new SESv2Client({ ...config, maxAttempts: 1 });

export const sesv2Sending = traced(sendingSesClient());
