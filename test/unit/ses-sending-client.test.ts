/**
 * The SES clients over the lean transport, against a loopback server that stands in for SES and
 * records what arrives: the newsletter client makes exactly one attempt per call (a 500 or a
 * throttle reaches the dispatcher, which alone decides on a re-send, with the ledger), the other
 * keeps the standard retries; the body is the JSON the SDK writes; errors carry SES's names; and
 * a send's admission is asked right before its request is written, in the same synchronous step.
 */
import http, { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SESv2Client, SendEmailCommand, type SendEmailRequest } from '@aws-sdk/client-sesv2';
import { sesClient } from '../../functions/adapters/aws/sesv2.ts';
import { SENDING_USER_AGENT, sendingSesClient } from '../../functions/adapters/aws/sesv2-sending.ts';
import { whenWritten } from '../../functions/adapters/aws/lean/signed-request.ts';
import type { SesV2 } from '../../functions/adapters/aws/sesv2-port.ts';
import { sesMailer } from '../../functions/adapters/ses-mailer.ts';
import { classifySendError } from '../../functions/core/send-errors.ts';
import type { OutgoingEmail } from '../../functions/core/ports.ts';
import { checkSignature } from '../helpers/sigv4-check.ts';

let server: Server;
/** How the server answers: 200 with a MessageId, or an error status and name. */
let reply: { status: number; error?: string; message?: string } = { status: 200 };
/** What arrived, and what happened in which order. */
const arrived: { method: string; path: string; headers: IncomingHttpHeaders; body: string; raw: Buffer }[] =
  [];
const events: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    events.push('request');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      arrived.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: raw.toString('utf8'),
        raw,
      });
      if (reply.status === 200) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ MessageId: `m-${arrived.length}` }));
        return;
      }
      res.writeHead(reply.status, {
        'content-type': 'application/json',
        'x-amzn-errortype': `${reply.error}:http://internal.amazon.com/coral/com.amazon.ses.v2/`,
      });
      res.end(JSON.stringify({ message: reply.message ?? 'fault' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const local = () => ({
  endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  region: 'ap-northeast-1',
  credentials: () => ({ accessKeyId: 'a', secretAccessKey: 'b' }),
});

const input: SendEmailRequest = {
  FromEmailAddress: 'a@example.jp',
  Destination: { ToAddresses: ['b@example.jp'] },
  Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } },
};

describe('the SES clients', () => {
  it.each([
    [500, 'InternalFailure'],
    [429, 'TooManyRequestsException'],
  ])(
    'the newsletter client sends one request when SES answers %i, and hands the error to the caller',
    async (status, error) => {
      reply = { status, error };
      arrived.length = 0;
      await expect(sendingSesClient(local()).sendEmail(input)).rejects.toMatchObject({
        name: error,
        $metadata: { httpStatusCode: status, attempts: 1 },
      });
      expect(arrived).toHaveLength(1);
    },
  );

  it('the other client (confirmations, notices) retries a 500 as the SDK does, three attempts in all', async () => {
    reply = { status: 500, error: 'InternalFailure' };
    arrived.length = 0;
    await expect(sesClient(local()).sendEmail(input)).rejects.toMatchObject({ $metadata: { attempts: 3 } });
    expect(arrived).toHaveLength(3);
    // A refusal is never retried.
    reply = { status: 400, error: 'MessageRejected' };
    arrived.length = 0;
    await expect(sesClient(local()).sendEmail(input)).rejects.toMatchObject({ name: 'MessageRejected' });
    expect(arrived).toHaveLength(1);
  });

  it.each([
    ['TooManyRequestsException', 429, 'Too many requests', 'throttle'],
    ['LimitExceededException', 400, 'Limit exceeded', 'throttle'],
    ['MessageRejected', 400, 'Maximum sending rate exceeded.', 'throttle'],
    ['MessageRejected', 400, 'Email address is not verified.', 'permanent'],
    ['MailFromDomainNotVerifiedException', 400, 'not verified', 'permanent'],
    ['AccountSuspendedException', 400, 'suspended', 'pause'],
    ['SendingPausedException', 400, 'Sending is paused for this account.', 'pause'],
    ['InternalFailure', 500, 'oops', 'unknown'],
  ] as const)(
    'SES answering %s (%i, "%s") is classified %s by its name, as from the SDK',
    async (error, status, message, kind) => {
      reply = { status, error, message };
      const err = await sendingSesClient(local())
        .sendEmail(input)
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ name: error, message, $metadata: { httpStatusCode: status } });
      expect(classifySendError(err).kind).toBe(kind);
    },
  );

  it("signs SendEmail and GetAccount for `ses` as the SDK's own signer computes it", async () => {
    reply = { status: 200 };
    arrived.length = 0;
    await sesClient(local()).sendEmail(input);
    await sesClient(local())
      .getAccount()
      .catch(() => undefined);
    expect(arrived.map((a) => `${a.method} ${a.path}`)).toEqual([
      'POST /v2/email/outbound-emails',
      'GET /v2/email/account',
    ]);
    for (const a of arrived) {
      const check = await checkSignature(
        { method: a.method, url: a.path, headers: a.headers, body: a.raw },
        'b',
      );
      expect(check).toMatchObject({ service: 'ses', region: 'ap-northeast-1', valid: true });
    }
  });

  it('reads GetAccount as the SDK gives it', async () => {
    const account = {
      SendQuota: { Max24HourSend: 50000, MaxSendRate: 14.5, SentLast24Hours: 3 },
      SendingEnabled: true,
    };
    const s = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(account));
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    try {
      expect(await sesClient({ ...local(), endpoint }).getAccount()).toEqual(account);
    } finally {
      await new Promise<void>((r) => s.close(() => r()));
    }
  });
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

  /** The port, recording each input it is given. */
  const recording = (ses: SesV2) => {
    const inputs: SendEmailRequest[] = [];
    const port: SesV2 = {
      ...ses,
      sendEmail: (i, o) => {
        inputs.push(i);
        return ses.sendEmail(i, o);
      },
    };
    return { port, inputs };
  };

  it('writes the JSON body the SDK writes for the same input, to the same path, with its own user agent', async () => {
    reply = { status: 200 };
    arrived.length = 0;
    const { port, inputs } = recording(sendingSesClient(local()));
    await sesMailer(port, { from: '瓦版 <news@example.jp>' }).send(message(1));
    const sdk = new SESv2Client({ ...local(), credentials: local().credentials(), maxAttempts: 1 });
    await sdk.send(new SendEmailCommand(inputs[0]!));
    // A raw message's bytes travel as base64 from both.
    const raw: SendEmailRequest = {
      Content: { Raw: { Data: new TextEncoder().encode('Subject: x\r\n\r\n本文') } },
    };
    await sendingSesClient(local()).sendEmail(raw);
    await sdk.send(new SendEmailCommand(raw));
    sdk.destroy();
    expect(arrived).toHaveLength(4);
    const [ours, theirs, oursRaw, theirsRaw] = arrived;
    expect(ours!.path).toBe(theirs!.path);
    expect(JSON.parse(ours!.body)).toEqual(JSON.parse(theirs!.body));
    expect(JSON.parse(ours!.body).Content.Simple.Body.Html.Data).toBe(message(1).html);
    expect(JSON.parse(oursRaw!.body)).toEqual(JSON.parse(theirsRaw!.body));
    expect(ours!.headers['user-agent']).toBe(SENDING_USER_AGENT);
    expect(ours!.headers['content-type']).toBe(theirs!.headers['content-type']);
  });

  it('writes a request only once its admission says it may start, and asks for each send', async () => {
    reply = { status: 200 };
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

  it('creates the request in the same synchronous step as the admission that lets it go', async () => {
    reply = { status: 200 };
    const order: string[] = [];
    const request = http.request;
    // http.request creates the request and hands it to a socket; Node writes it on its next tick.
    const spy = vi.spyOn(http, 'request').mockImplementation(((...args: Parameters<typeof request>) => {
      order.push('request created');
      return request(...args);
    }) as typeof request);
    try {
      let asks = 0;
      await sesMailer(sendingSesClient(local()), { from: 'news@example.jp' }).send(message(6), {
        admit: () => {
          if (++asks === 1) return new Promise<void>((r) => setTimeout(r, 5));
          order.push('admitted');
          // Anything queued now runs only after the synchronous step ends.
          queueMicrotask(() => order.push('next microtask'));
          return 0;
        },
      });
    } finally {
      spy.mockRestore();
    }
    expect(order).toEqual(['admitted', 'request created', 'next microtask']);
  });

  it('says the request was written only once it is on its socket, after the promise jobs pending at admission', async () => {
    reply = { status: 200 };
    const mailer = sesMailer(sendingSesClient(local()), { from: 'news@example.jp' });
    // A first send opens the kept-alive socket the next one reuses.
    await mailer.send(message(8));
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
      await mailer.send(message(9), {
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

  it('on a new socket, says the request was written once it connected and its bytes left, not on the next tick', async () => {
    reply = { status: 200 };
    const port = (server.address() as AddressInfo).port;
    const agent = new http.Agent({ keepAlive: false });
    try {
      const req = http.request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v2/email/outbound-emails',
        agent,
      });
      const answered = new Promise<void>((resolve) =>
        req.on('response', (r) => r.resume().on('end', resolve)),
      );
      const told = new Promise<{ connecting: boolean; pending: number }>((resolve) =>
        whenWritten(req, () =>
          resolve({ connecting: req.socket!.connecting, pending: req.socket!.writableLength }),
        ),
      );
      req.end(Buffer.alloc(52_000, 0x61));
      expect(await told).toEqual({ connecting: false, pending: 0 });
      await answered;
    } finally {
      agent.destroy();
    }
  });

  it('sends nothing when the admission throws (the run is stopping)', async () => {
    reply = { status: 200 };
    arrived.length = 0;
    const mailer = sesMailer(sendingSesClient(local()), { from: 'news@example.jp' });
    await expect(
      mailer.send(message(7), {
        admit: () => {
          throw new Error('stopped');
        },
      }),
    ).rejects.toThrow('stopped');
    expect(arrived).toHaveLength(0);
  });
});
