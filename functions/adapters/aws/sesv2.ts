/**
 * The SES v2 client for every call but newsletters (confirmations, editors' notices, GetAccount),
 * created once per module load: the SDK's standard retries; endpoint from AWS_ENDPOINT_URL_SESV2.
 * Newsletters go through sesv2-sending.ts, in the dispatch bundles only.
 */
import { type LeanSesOptions, leanSesV2 } from './lean/sesv2.ts';
import type { AwsClientConfig } from './lean/signed-request.ts';
import type { SesV2 } from './sesv2-port.ts';

export type { SesV2 };

/** A client of its own (the CLI passes the credentials and region it resolved). */
export const sesClient = (config: AwsClientConfig = {}, options: LeanSesOptions = {}): SesV2 =>
  leanSesV2(config, options);

export const sesv2: SesV2 = sesClient();
