/**
 * The SES client that sends newsletters makes exactly one attempt per call: a 500 or a
 * throttle from SES reaches the dispatcher, which alone decides on a re-send (with the ledger).
 * A loopback server stands in for SES and counts the requests it gets.
 */
import { createServer, type Server } from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { sesv2 } from '../../functions/adapters/aws/sesv2.ts';
import { sendingSesClient, sesv2Sending } from '../../functions/adapters/aws/sesv2-sending.ts';
import { sesMailer } from '../../functions/adapters/ses-mailer.ts';
import type { OutgoingEmail } from '../../functions/core/ports.ts';

let server: Server;
let requests = 0;
let status = 500;
/** Bodies of the requests received, and what happened in which order. */
const bodies: string[] = [];
const events: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    events.push('request');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      if (status === 200) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ MessageId: `m-${requests}` }));
        return;
      }
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

const local = () => {
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    region: 'ap-northeast-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  };
};

const send = () => {
  const client = sendingSesClient(local());
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

describe('the sending mailer', () => {
  const message = (i: number): OutgoingEmail => ({
    to: `reader-${i}@example.jp`,
    subject: '件名 "quoted" \\ back\tslash',
    html: `<p>本文 ${i} \u2028 😀 \u0001 </p>`.repeat(50),
    text: `text ${i}\r\n\u007f`,
    headers: [{ name: 'List-Unsubscribe', value: `<https://example.jp/u?t=${i}>` }],
    tags: { reportId: 'r-1', kind: 'newsletter' },
  });

  it('writes the same JSON body as the SDK default codec', async () => {
    status = 200;
    bodies.length = 0;
    const plain = new SESv2Client({ ...local(), maxAttempts: 1 });
    await sesMailer(plain, { from: '瓦版 <news@example.jp>' }).send(message(1));
    await sesMailer(sendingSesClient(local()), { from: '瓦版 <news@example.jp>' }).send(message(1));
    expect(bodies).toHaveLength(2);
    expect(JSON.parse(bodies[1]!)).toEqual(JSON.parse(bodies[0]!));
    expect(JSON.parse(bodies[1]!).Content.Simple.Body.Html.Data).toBe(message(1).html);
  });

  it('writes a request only once its admission says it may start, and asks for each send', async () => {
    status = 200;
    events.length = 0;
    const mailer = sesMailer(sendingSesClient(local()), { from: 'news@example.jp' });
    let asks = 0;
    const out = await mailer.send(message(2), {
      admit: () => {
        events.push('admit');
        // "Ask again in 20 ms" twice, then "go".
        return ++asks < 3 ? new Promise<void>((r) => setTimeout(r, 20)) : 0;
      },
    });
    expect(out.messageId).toMatch(/^m-/);
    expect(events).toEqual(['admit', 'admit', 'admit', 'request']);
    // Several sends in parallel through one client: each asks, each is written once.
    events.length = 0;
    await Promise.all(
      [3, 4, 5].map((i) =>
        mailer.send(message(i), {
          admit: () => {
            events.push('admit');
            return 0;
          },
        }),
      ),
    );
    expect(events.filter((e) => e === 'admit')).toHaveLength(3);
    expect(events.filter((e) => e === 'request')).toHaveLength(3);
    expect(events[0]).toBe('admit');
  });

  it('says the request was written only once it is on its socket, after the promise jobs pending at admission', async () => {
    status = 200;
    const mailer = sesMailer(sendingSesClient(local()), { from: 'news@example.jp' });
    // A first send opens the kept-alive socket the next one reuses.
    await mailer.send(message(6));
    const seen: string[] = [];
    const original = Socket.prototype.write;
    const port = (server.address() as AddressInfo).port;
    const write = vi.spyOn(Socket.prototype, 'write').mockImplementation(function (
      this: Socket,
      ...args: Parameters<Socket['write']>
    ) {
      if (this.remotePort === port) seen.push('socket write');
      return original.apply(this, args);
    });
    try {
      await mailer.send(message(7), {
        admit: () => {
          seen.push('admit');
          // Work the event loop still has to do once the request is made (other sends, answers).
          void Promise.resolve().then(() => seen.push('other job'));
          return 0;
        },
        written: () => seen.push('written'),
      });
    } finally {
      write.mockRestore();
    }
    const first = seen.indexOf('written');
    expect(seen.slice(0, 2)).toEqual(['admit', 'other job']);
    expect(seen.slice(2, first)).toContain('socket write');
    expect(seen.filter((e) => e === 'written')).toHaveLength(1);
  });
});
