/**
 * The SES v2 client that sends newsletters, created once per module load; endpoint from
 * AWS_ENDPOINT_URL_SESV2. A module of its own so that only the dispatch bundles carry it.
 */
import { SESv2Client, type SESv2ClientConfig } from '@aws-sdk/client-sesv2';
import { AwsRestJsonProtocol, JsonCodec } from '@aws-sdk/core/protocols';
import { traced } from './tracer.ts';

/**
 * SES v2's protocol with the JSON codec that builds the body with JSON.stringify. The SDK's
 * default (JsonCodec2) writes every character of the HTML and text bodies one by one in
 * JavaScript: measured, a quarter of the dispatcher's CPU per newsletter; the output is the same JSON.
 */
class RestJsonWithStringify extends AwsRestJsonProtocol {
  constructor(settings: ConstructorParameters<typeof AwsRestJsonProtocol>[0]) {
    super({
      ...settings,
      jsonCodec: new JsonCodec({
        timestampFormat: { useTrait: true, default: 7 },
        httpBindings: true,
        jsonName: true,
      }),
    });
  }
}

/**
 * A client for newsletter SendEmail calls: one attempt per call. An SDK retry after a timeout
 * could send a second copy behind the ledger's back; the dispatcher retries throttling itself
 * and leaves anything else to the ledger (the claim stays, the next run re-sends).
 * For its CPU per call (thousands of calls a minute): the JSON.stringify codec above, the
 * middleware stack resolved once per command type (`cacheMiddleware`: nothing here adds
 * middleware per command), the body encoded once and a fixed user agent. Sockets: enough for every call in flight (the SDK's default of 50
 * would queue sends between the pacer and SES when in-process workers share this client).
 */
const USER_AGENT = 'aws-sdk-js/3 api/sesv2 lang/js kawaraban-dispatch';

export function sendingSesClient(config: SESv2ClientConfig = {}): SESv2Client {
  const client = new SESv2Client({
    protocol: RestJsonWithStringify,
    cacheMiddleware: true,
    requestHandler: { httpAgent: { maxSockets: 256 }, httpsAgent: { maxSockets: 256 } },
    ...config,
    maxAttempts: 1,
  });
  // The SDK rebuilds and escapes its user-agent string (a dozen regular expressions) on every
  // call; a fixed one says the same to AWS for a tenth of the CPU.
  client.middlewareStack.remove('getUserAgentMiddleware');
  // The JSON body as UTF-8 bytes once: left a string, it is encoded three times (its length,
  // the signature's payload hash, the socket write), each a pass over the whole HTML.
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { body?: unknown; headers?: Record<string, string> } | undefined;
      if (typeof request?.body === 'string') request.body = Buffer.from(request.body, 'utf8');
      if (request?.headers) request.headers['user-agent'] = USER_AGENT;
      return next(args);
    },
    { step: 'build', priority: 'high', name: 'kawarabanBodyBytesOnce' },
  );
  return client;
}

export const sesv2Sending = traced(sendingSesClient());
