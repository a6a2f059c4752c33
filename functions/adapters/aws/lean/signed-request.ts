/**
 * One signed HTTP request to an AWS service: the transport under the lean clients.
 *
 * Hand-written on purpose (with `aws4` for Signature V4): the SDK's client stack (@smithy/core,
 * middleware, protocols, credential chain) weighs 150–230 KiB minified in each function bundle
 * and costs about a millisecond of CPU per call; issue 10's size targets for the api and dispatch
 * bundles cannot be met with it. What this keeps from the SDK: the endpoint variables
 * (`AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`), credentials from the environment (what Lambda
 * gives a function), keep-alive sockets, and errors shaped like the SDK's (errors.ts).
 *
 * Steps: 1. resolve region, endpoint and credentials; 2. sign; 3. ask `beforeWrite` until it
 * answers anything but a promise, and write the request in that same synchronous step (`written`
 * once it is on its socket); 4. read the whole answer.
 */
import http from 'node:http';
import https from 'node:https';
import aws4 from 'aws4';
import { tracedCall } from '../tracer.ts';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Where and as whom a client calls; every field defaults to what Lambda's environment says. */
export interface AwsClientConfig {
  region?: string;
  /** Base URL (`http://127.0.0.1:8000`); else `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, then AWS's. */
  endpoint?: string;
  /** A provider (e.g. the SDK's credential chain, for the CLI); else the environment's keys. */
  credentials?: () => Promise<AwsCredentials> | AwsCredentials;
}

/** What tells one service from another. */
export interface AwsService {
  /** Signature V4's service name: `dynamodb`, `ses`, `s3`, `lambda`, `secretsmanager`. */
  signingName: string;
  /** The suffix of its endpoint variable: `DYNAMODB` → `AWS_ENDPOINT_URL_DYNAMODB`. */
  endpointEnv: string;
  /** Its host's first label on AWS: `dynamodb` → `dynamodb.<region>.amazonaws.com`. */
  hostPrefix: string;
}

export interface SignedRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
  /** Path and query, already percent-encoded. */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** The API operation (`GetItem`, `SendEmail`), for the trace. */
  operation?: string;
  /**
   * Called just before the request is written, which follows in the same synchronous step (where
   * SES starts counting a send). A promise means "not yet": it is awaited and the hook asked again
   * (the pacer's admission, functions/core/pacing.ts). A throw sends nothing.
   */
  beforeWrite?: () => unknown;
  /**
   * Called once the request is in the kernel (`whenWritten`; a request made in a promise job
   * waits for the other pending jobs first): where the pacer counts a send that really started.
   */
  written?: () => void;
}

export interface AwsResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

// Keep-alive sockets as the SDK keeps them; enough for every send in flight of a dispatcher.
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 256 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 256 }),
};

/**
 * Calls `done` once the request's bytes are in the kernel. Node gives a request its socket on a
 * tick queued when the request was created, and a free keep-alive socket takes the bytes there
 * and then: the tick after that is the moment. A new socket is still connecting then (its
 * request went out ~10 ms later in the bench at 100/s, on a busy loop), and a full one holds them:
 * then it is when the request finishes.
 */
export function whenWritten(req: http.ClientRequest, done: () => void): void {
  process.nextTick(() => {
    const socket = req.socket;
    if (socket && !socket.connecting && socket.writableLength === 0) done();
    else req.once('finish', done);
  });
}

function environmentCredentials(): AwsCredentials {
  const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error('No AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set');
  }
  return { accessKeyId, secretAccessKey, sessionToken: process.env.AWS_SESSION_TOKEN || undefined };
}

const isPromise = (x: unknown): x is PromiseLike<unknown> =>
  typeof (x as PromiseLike<unknown> | undefined)?.then === 'function';

interface Target {
  url: URL;
  region: string;
}

const parsedEndpoints = new Map<string, URL>();

function resolveTarget(service: AwsService, config: AwsClientConfig): Target {
  const region = config.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new Error('No AWS region: AWS_REGION is not set');
  const base =
    config.endpoint ??
    process.env[`AWS_ENDPOINT_URL_${service.endpointEnv}`] ??
    process.env.AWS_ENDPOINT_URL ??
    `https://${service.hostPrefix}.${region}.amazonaws.com`;
  let url = parsedEndpoints.get(base);
  if (!url) {
    url = new URL(base);
    parsedEndpoints.set(base, url);
  }
  return { url, region };
}

/** A service's endpoint, as configured: sends signed requests and returns the raw answers. */
export class AwsEndpoint {
  constructor(
    readonly service: AwsService,
    readonly config: AwsClientConfig = {},
  ) {}

  /** The region requests are signed for (the CLI needs it to name resources). */
  region(): string {
    return resolveTarget(this.service, this.config).region;
  }

  send(request: SignedRequest): Promise<AwsResponse> {
    return tracedCall(this.service.signingName, request.operation ?? request.method, () =>
      this.write(request),
    );
  }

  private async write(request: SignedRequest): Promise<AwsResponse> {
    const { url, region } = resolveTarget(this.service, this.config);
    const credentials = this.config.credentials ? await this.config.credentials() : environmentCredentials();
    const body = typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : request.body;
    const basePath = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
    const signed = aws4.sign(
      {
        service: this.service.signingName,
        region,
        method: request.method,
        host: url.host,
        path: basePath + request.path,
        headers: { ...request.headers },
        body,
      },
      credentials,
    );
    const hook = request.beforeWrite;
    if (hook) for (let later = hook(); isPromise(later); later = hook()) await later;
    return new Promise<AwsResponse>((resolve, reject) => {
      const req = (url.protocol === 'http:' ? http : https).request(
        {
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port || undefined,
          method: request.method,
          path: signed.path,
          headers: signed.headers as http.OutgoingHttpHeaders,
          agent: agents[url.protocol as keyof typeof agents],
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
      if (request.written) whenWritten(req, request.written);
    });
  }
}
