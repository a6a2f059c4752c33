/**
 * SES v2 over the lean transport (REST-JSON): `POST /v2/email/outbound-emails`,
 * `POST /v2/email/outbound-bulk-emails`, `GET /v2/email/account` and the email templates (`POST /v2/email/templates`,
 * `DELETE /v2/email/templates/{name}`), signed for `ses`, endpoint from AWS_ENDPOINT_URL_SESV2.
 *
 * Per call it builds the body once (JSON.stringify of the SDK-shaped input: SES v2's member names
 * are its JSON names) and encodes it to bytes once; the headers are fixed per client. That is
 * all the CPU it adds to the transport's signing and socket write, which matters at thousands
 * of newsletters a minute.
 */
import type {
  CreateEmailTemplateRequest,
  GetAccountResponse,
  SendBulkEmailRequest,
  SendBulkEmailResponse,
  SendEmailRequest,
  SendEmailResponse,
} from '@aws-sdk/client-sesv2';
import type { SesCallOptions, SesV2 } from '../sesv2-port.ts';
import { callAws, jsonBody } from './call.ts';
import { type RetryPolicy, standardRetry } from './retry.ts';
import { type AwsClientConfig, AwsEndpoint, type AwsService } from './signed-request.ts';

const SESV2: AwsService = { signingName: 'ses', endpointEnv: 'SESV2', hostPrefix: 'email' };

export interface LeanSesOptions {
  /** The SDK's standard retries unless told otherwise (`{ maxAttempts: 1 }` for newsletters). */
  retry?: RetryPolicy;
  /** Sent as `user-agent` (the send-rate bench tells newsletters from notices by it). */
  userAgent?: string;
}

/** Blobs (a raw message, attachments) travel as base64, as the SDK writes them. */
function blobsAsBase64(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  return raw instanceof Uint8Array
    ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64')
    : value;
}

const hasBlobs = (input: SendEmailRequest) =>
  input.Content?.Raw !== undefined ||
  input.Content?.Simple?.Attachments !== undefined ||
  input.Content?.Template?.Attachments !== undefined;

export function leanSesV2(config: AwsClientConfig = {}, options: LeanSesOptions = {}): SesV2 {
  const endpoint = new AwsEndpoint(SESV2, config);
  const retry = options.retry ?? standardRetry;
  const getHeaders: Record<string, string> = options.userAgent ? { 'user-agent': options.userAgent } : {};
  const postHeaders = { ...getHeaders, 'content-type': 'application/json' };
  /** A sending POST (one admitted by the caller's pacer) and its JSON answer. */
  const send = <Out>(path: string, operation: string, body: Buffer, call?: SesCallOptions): Promise<Out> => {
    const request = {
      method: 'POST',
      path,
      headers: postHeaders,
      body,
      operation,
      beforeWrite: call?.beforeWrite,
      written: call?.written,
    } as const;
    return callAws(endpoint, request, retry).then((res) => jsonBody<Out>(res));
  };
  return {
    sendEmail(input: SendEmailRequest, call?: SesCallOptions): Promise<SendEmailResponse> {
      const body =
        call?.body?.() ??
        Buffer.from(hasBlobs(input) ? JSON.stringify(input, blobsAsBase64) : JSON.stringify(input), 'utf8');
      return send('/v2/email/outbound-emails', 'SendEmail', body, call);
    },
    sendBulkEmail(input: SendBulkEmailRequest, call?: SesCallOptions): Promise<SendBulkEmailResponse> {
      const body = Buffer.from(JSON.stringify(input), 'utf8');
      return send('/v2/email/outbound-bulk-emails', 'SendBulkEmail', body, call);
    },
    async createEmailTemplate(input: CreateEmailTemplateRequest): Promise<void> {
      const request = {
        method: 'POST',
        path: '/v2/email/templates',
        headers: postHeaders,
        body: Buffer.from(JSON.stringify(input), 'utf8'),
        operation: 'CreateEmailTemplate',
      } as const;
      await callAws(endpoint, request, retry);
    },
    async deleteEmailTemplate(name: string): Promise<void> {
      const request = {
        method: 'DELETE',
        path: `/v2/email/templates/${encodeURIComponent(name)}`,
        headers: getHeaders,
        operation: 'DeleteEmailTemplate',
      } as const;
      await callAws(endpoint, request, retry);
    },
    getAccount(): Promise<GetAccountResponse> {
      const request = {
        method: 'GET',
        path: '/v2/email/account',
        headers: getHeaders,
        operation: 'GetAccount',
      } as const;
      return callAws(endpoint, request, retry).then((res) => jsonBody<GetAccountResponse>(res));
    },
  };
}
