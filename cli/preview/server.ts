/**
 * The live preview's HTTP server: the page, its script, and the preview state as Server-Sent
 * Events (one `state` event on connect and after every check of the file). Loopback only, and
 * only for requests that name it as their Host: another site the editor has open cannot read
 * the preview through a DNS name pointed at 127.0.0.1.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { previewPage } from './page.ts';
import type { PreviewSession, PreviewState } from './session.ts';

const clientJs = readFileSync(new URL('./client.js', import.meta.url), 'utf8');

/**
 * The page runs only its own script; the framed email (srcdoc inherits this policy) may use
 * inline styles and show images, but runs nothing: its frame is sandboxed without scripts.
 */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'unsafe-inline'",
  'img-src https: http: data:',
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const COMMON = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

export interface PreviewServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startPreviewServer(
  session: PreviewSession,
  opts: { port: number },
): Promise<PreviewServer> {
  const streams = new Set<ServerResponse>();
  const page = previewPage(session.state.file);
  let port = opts.port;

  const send = (res: ServerResponse, state: PreviewState) =>
    res.write(`event: state\ndata: ${JSON.stringify(state)}\n\n`);
  const unsubscribe = session.subscribe((state) => {
    for (const res of streams) send(res, state);
  });
  // Proxies and idle timers close a silent stream; a comment line every 15 s keeps it open.
  const keepAlive = setInterval(() => {
    for (const res of streams) res.write(': keep-alive\n\n');
  }, 15_000);

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      res
        .writeHead(421, { ...COMMON, 'Content-Type': 'text/plain; charset=utf-8' })
        .end('misdirected request\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...COMMON, Allow: 'GET, HEAD' }).end();
      return;
    }
    const path = new URL(req.url ?? '/', 'http://preview').pathname;
    if (path === '/') {
      res.writeHead(200, {
        ...COMMON,
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy': CSP,
        'X-Frame-Options': 'DENY',
      });
      res.end(page);
    } else if (path === '/client.js') {
      res.writeHead(200, { ...COMMON, 'Content-Type': 'text/javascript; charset=utf-8' }).end(clientJs);
    } else if (path === '/events') {
      res.writeHead(200, {
        ...COMMON,
        'Content-Type': 'text/event-stream; charset=utf-8',
        Connection: 'keep-alive',
      });
      streams.add(res);
      req.on('close', () => streams.delete(res));
      send(res, session.state);
    } else if (path === '/state') {
      res
        .writeHead(200, { ...COMMON, 'Content-Type': 'application/json; charset=utf-8' })
        .end(JSON.stringify(session.state));
    } else {
      res.writeHead(404, { ...COMMON, 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
    }
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    async close() {
      clearInterval(keepAlive);
      unsubscribe();
      for (const res of streams) res.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
