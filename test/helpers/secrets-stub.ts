/**
 * A loopback Secrets Manager that speaks GetSecretValue (awsJson 1.1): no emulator exists for it.
 * It refuses what the real service would (another operation, a request not signed for
 * `secretsmanager`, a signature the SDK's own signer does not agree with, test/helpers/sigv4-check.ts)
 * and answers each read with `answer(secretId, n)`: a secret, or an error by name.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkSignature } from './sigv4-check.ts';

export type SecretAnswer =
  | { SecretString?: string; SecretBinary?: string; CreatedDate?: number }
  | { error: string; message: string; status?: number };

export interface SecretsStub {
  url: string;
  /** GetSecretValue requests received (each attempt of a retried read counts). */
  reads(): number;
  /** What the last request carried. */
  last(): { target?: string; authorization?: string; body: Record<string, unknown> } | undefined;
  /** Points the functions' clients at this stub (AWS_ENDPOINT_URL_SECRETS_MANAGER) until close(). */
  useAsEndpoint(): void;
  close(): Promise<void>;
}

export async function secretsStub(
  answer: (secretId: string, n: number) => SecretAnswer,
): Promise<SecretsStub> {
  let reads = 0;
  let last: ReturnType<SecretsStub['last']>;
  const reply = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const target = req.headers['x-amz-target'] as string | undefined;
      const authorization = req.headers.authorization;
      const raw = Buffer.concat(chunks);
      const body = JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>;
      last = { target, authorization, body };
      // The secret key the clients sign with here: the environment's (test/setup-env.ts).
      const secret = process.env.AWS_SECRET_ACCESS_KEY ?? '';
      const signature = await checkSignature(
        { method: req.method ?? '', url: req.url ?? '/', headers: req.headers, body: raw },
        secret,
      ).catch(() => undefined);
      if (signature?.service !== 'secretsmanager' || !signature.valid)
        return reply(res, 403, { __type: 'InvalidSignatureException', message: 'signature does not match' });
      if (
        target !== 'secretsmanager.GetSecretValue' ||
        req.headers['content-type'] !== 'application/x-amz-json-1.1'
      )
        return reply(res, 400, { __type: 'UnknownOperationException', message: String(target) });
      const a = answer(String(body.SecretId), ++reads);
      if ('error' in a) return reply(res, a.status ?? 400, { __type: a.error, message: a.message });
      reply(res, 200, { ARN: body.SecretId, Name: 'stub', VersionId: 'v1', ...a });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let before: string | undefined;
  let using = false;
  return {
    url,
    reads: () => reads,
    last: () => last,
    useAsEndpoint() {
      before = process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
      using = true;
      process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = url;
    },
    close: () =>
      new Promise<void>((r) => {
        if (using) {
          if (before === undefined) delete process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
          else process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = before;
        }
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
