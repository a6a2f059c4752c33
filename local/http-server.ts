/**
 * Serves the HTTP API locally: each Node request becomes an API Gateway v2 (payload 2.0)
 * event for the real api handler, and its structured result becomes the response.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type ApiHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/** API Gateway's payload limit; larger bodies never reach the function. */
const MAX_BODY = 10 * 1024 * 1024;

// Like HTTP APIs, pass JSON and text through as is and base64-encode everything else
// (form posts included), so the handler meets the same encodings it will meet on AWS.
const isText = (contentType: string) => /^(text\/|application\/json\b)/i.test(contentType);

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function toApiEvent(req: IncomingMessage, body: Buffer, port: number): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', `http://localhost:${port}`);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined || k === 'cookie') continue;
    headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const contentType = headers['content-type'] ?? '';
  const base64 = body.length > 0 && !isText(contentType);
  const now = new Date();
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    cookies: req.headers.cookie ? req.headers.cookie.split(/;\s*/) : undefined,
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: `localhost:${port}`,
      domainPrefix: 'localhost',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.length ? body.toString(base64 ? 'base64' : 'utf8') : undefined,
    isBase64Encoded: base64,
  };
}

export async function serveApi(handler: ApiHandler, port: number): Promise<Server> {
  const server = createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      if (body === null) {
        res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8' }).end('Request body too large\n');
        return;
      }
      const result = await handler(toApiEvent(req, body, port));
      const headers: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
      if (result.cookies?.length) headers['set-cookie'] = result.cookies;
      const payload = result.body ?? '';
      res.writeHead(result.statusCode ?? 200, headers);
      res.end(result.isBase64Encoded ? Buffer.from(payload, 'base64') : payload);
    } catch (err) {
      // On AWS an unhandled error is API Gateway's bare 500; say so loudly here.
      console.error('[api] handler threw:', err instanceof Error ? err.message : err);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"message":"Internal Server Error"}');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}
