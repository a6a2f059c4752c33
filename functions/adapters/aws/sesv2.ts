/** The SES v2 client, created once per module load; endpoint from AWS_ENDPOINT_URL_SESV2. */
import { SESv2Client } from '@aws-sdk/client-sesv2';

export const sesv2 = new SESv2Client({});
