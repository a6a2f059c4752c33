/**
 * The SES v2 client that sends newsletters, created once per module load; endpoint from
 * AWS_ENDPOINT_URL_SESV2. A module of its own so that only the dispatch bundles carry it.
 *
 * One attempt per call, always: a retry after a timeout could send a second copy behind the
 * ledger's back. The dispatcher retries throttling itself and leaves anything else to the ledger
 * (the claim stays, the next run re-sends).
 */
import { leanSesV2 } from './lean/sesv2.ts';
import type { AwsClientConfig } from './lean/signed-request.ts';
import type { SesV2 } from './sesv2-port.ts';

/** What the send-rate bench tells a newsletter's request by (bench/send-rate-dispatcher.ts). */
export const SENDING_USER_AGENT = 'kawaraban-dispatch';

export const SENDING_ATTEMPTS = 1;

export function sendingSesClient(config: AwsClientConfig = {}): SesV2 {
  return leanSesV2(config, { retry: { maxAttempts: SENDING_ATTEMPTS }, userAgent: SENDING_USER_AGENT });
}

export const sesv2Sending: SesV2 = sendingSesClient();
