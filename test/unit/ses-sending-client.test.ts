/**
 * The SES client that sends newsletters makes exactly one attempt per call: a 500 or a
 * throttle from SES reaches the dispatcher, which alone decides on a re-send (with the ledger).
 * A loopback server stands in for SES and counts the requests it gets.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { sendingSesClient, sesv2, sesv2Sending } from '../../functions/adapters/aws/sesv2.ts';

let server: Server;
let requests = 0;
let status = 500;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    req.resume().on('end', () => {
      res.writeHead(status, {
        'content-type': 'application/json',
        'x-amzn-errortype': status === 429 ? 'TooManyRequestsException' : 'InternalFailure',
      });
      res.end(JSON.stringify({ message: 'fault' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const send = () => {
  const { port } = server.address() as AddressInfo;
  const client = sendingSesClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'ap-northeast-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  });
  return client.send(
    new SendEmailCommand({
      FromEmailAddress: 'a@example.jp',
      Destination: { ToAddresses: ['b@example.jp'] },
      Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } },
    }),
  );
};

describe('the sending SES client', () => {
  it('is configured for one attempt, while the other SES client keeps the SDK default', async () => {
    expect(await sesv2Sending.config.maxAttempts()).toBe(1);
    expect(await sesv2.config.maxAttempts()).toBeGreaterThan(1);
  });

  it.each([500, 429])(
    'sends one request when SES answers %i, and hands the error to the caller',
    async (code) => {
      status = code;
      requests = 0;
      await expect(send()).rejects.toMatchObject({ $metadata: { httpStatusCode: code } });
      expect(requests).toBe(1);
    },
  );
});
