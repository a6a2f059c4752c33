/**
 * One isolated stack plus the real HTTP handler wired with production adapters (DynamoDB
 * Local, the SES emulator) and a clock the test moves by hand — no sleeping.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { expect } from 'vitest';
import { dynamo } from '../../functions/adapters/aws/dynamo.ts';
import { createHandler } from '../../functions/http/app.ts';
import { appDeps } from '../../functions/http/deps.ts';
import type { AppDeps } from '../../functions/http/context.ts';
import type { HttpResult } from '../../functions/http/responses.ts';
import type { Subscriber } from '../../functions/core/subscriber.ts';
import { unsubscribeToken } from '../../functions/core/tokens.ts';
import { apiEvent, formBody, type EventInit } from './api-events.ts';
import { sentTo, type SentEmail } from './inbox.ts';
import { createTestStack, testSecret, type TestStack } from './stack.ts';

export interface ManualClock {
  now(): Date;
  set(iso: string): void;
  advance(ms: number): void;
}

export function manualClock(start = '2031-03-01T00:00:00.000Z'): ManualClock {
  let t = Date.parse(start);
  return {
    now: () => new Date(t),
    set: (iso) => {
      t = Date.parse(iso);
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

/**
 * A monotonic timer for the neutral-answer floor whose sleeps take no real time: `now()` is the
 * real monotonic time plus everything slept so far, so a held answer shows up in `now()`.
 */
export function virtualTimer(): { now(): number; sleep(ms: number): Promise<void>; slept(): number } {
  let slept = 0;
  return {
    now: () => performance.now() + slept,
    sleep: async (ms) => {
      slept += Math.max(0, ms);
    },
    slept: () => slept,
  };
}

export const HOUR = 3_600_000;
export const MINUTE = 60_000;

const raw = new DynamoDBClient({});

export interface Harness {
  stack: TestStack;
  clock: ManualClock;
  deps: AppDeps;
  call(init: EventInit | APIGatewayProxyEventV2): Promise<HttpResult>;
  /** The item exactly as stored (low-level attribute values), for byte-identical comparisons. */
  rawItem(key: string): Promise<string>;
  item(email: string): Promise<(Subscriber & Record<string, unknown>) | undefined>;
  subscribe(email: string, extra?: Record<string, string>, init?: Partial<EventInit>): Promise<HttpResult>;
  /** Token of the newest confirmation email to the address. */
  latestConfirmToken(email: string): Promise<string>;
  mails(email: string): Promise<SentEmail[]>;
  unsubscribeTokenOf(email: string): Promise<string>;
  /** Subscribes and confirms through HTTP; returns the confirmed row. */
  confirmed(email: string): Promise<Subscriber>;
}

const CONFIRM_LINK = /https:\/\/news\.example\.jp\/confirm\?token=([A-Za-z0-9_-]+)/;

export async function harness(
  overrides: Record<string, string> = {},
  depOverrides: Partial<AppDeps> = {},
): Promise<Harness> {
  const stack = await createTestStack(overrides);
  const clock = manualClock();
  // Neutral answers are held to their floor on a timer whose sleeps cost no real time.
  const real = appDeps(stack.config, stack.confirmationTemplates);
  const deps: AppDeps = {
    ...real,
    clock,
    answerFloor: { ...real.answerFloor, ...virtualTimer() },
    ...depOverrides,
  };
  const handle = createHandler(deps);
  const table = stack.env.SUBSCRIBERS_TABLE!;

  const h: Harness = {
    stack,
    clock,
    deps,
    // Pages are read as text here: the <wbr> between Japanese phrases is dropped (test/unit/phrases.test.ts).
    call: async (init) => withoutWbr(await handle('requestContext' in init ? init : apiEvent(init))),
    async rawItem(key) {
      const out = await raw.send(
        new GetItemCommand({ TableName: table, Key: { email: { S: key } }, ConsistentRead: true }),
      );
      return JSON.stringify(out.Item ?? null);
    },
    async item(email) {
      const out = await dynamo.get({ TableName: table, Key: { email }, ConsistentRead: true });
      return out.Item as (Subscriber & Record<string, unknown>) | undefined;
    },
    subscribe(email, extra = {}, init = {}) {
      const { body, headers } = formBody({ email, ...extra });
      return h.call({ method: 'POST', path: '/subscribe', body, headers, ...init });
    },
    async mails(email) {
      return (await sentTo(email)).sort((a, b) => a.at - b.at);
    },
    async latestConfirmToken(email) {
      const mails = await h.mails(email);
      const last = mails[mails.length - 1];
      const token = last && CONFIRM_LINK.exec(last.body.text ?? '')?.[1];
      if (!token) throw new Error('no confirmation link was sent');
      return token;
    },
    async unsubscribeTokenOf(email) {
      const row = await h.item(email);
      if (!row) throw new Error('no such subscriber');
      return unsubscribeToken(Buffer.from(testSecret, 'utf8'), row.id);
    },
    async confirmed(email) {
      expect((await h.subscribe(email)).statusCode).toBe(200);
      const token = await h.latestConfirmToken(email);
      const res = await h.call({ method: 'POST', path: '/confirm', ...formBody({ token }) });
      expect(res.statusCode).toBe(200);
      const row = await h.item(email);
      expect(row?.status).toBe('confirmed');
      return row!;
    },
  };
  return h;
}

function withoutWbr(res: HttpResult): HttpResult {
  return typeof res.body === 'string' ? { ...res, body: res.body.replaceAll('<wbr>', '') } : res;
}
