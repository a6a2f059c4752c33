/**
 * A loopback server that stands in for an AWS endpoint no emulator offers (or for a fault one
 * cannot produce): it records each request as it arrived (for the signature check,
 * sigv4-check.ts) and gives the answers in order, repeating the last. Closed after each test.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import type { ReceivedRequest } from './sigv4-check.ts';

export interface StubAnswer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

const servers: http.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** `defaults`: headers of every answer (a content type, how the service names its request id: `n` is the request's number). */
export async function awsStub(
  answers: StubAnswer[],
  defaults: (n: number) => Record<string, string> = () => ({}),
) {
  const seen: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
      const a = answers[Math.min(seen.length, answers.length) - 1]!;
      res.writeHead(a.status, { ...defaults(seen.length), ...a.headers });
      res.end(a.body ?? '');
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}
