/** The SES v2 client, created once per module load; endpoint from AWS_ENDPOINT_URL_SESV2. */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { traced } from './tracer.ts';

/** For every call but newsletters (those go through sesv2-sending.ts, in the dispatch bundles only). */
export const sesv2 = traced(new SESv2Client({}));
