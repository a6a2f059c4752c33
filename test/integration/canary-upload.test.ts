/**
 * A report file's `"canary"` reaches the report item through the real render function (s3rver,
 * DynamoDB Local): true asks for a canary whatever the audience, false refuses one, absent leaves
 * it to the settings; a wrong type is refused with its path and nothing is scheduled.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { s3 } from '../helpers/audience.ts';
import { reportItem } from '../helpers/dispatch-setup.ts';
import { fixture } from '../helpers/ses-events.ts';
import { createTestStack, useStackEnv, type TestStack } from '../helpers/stack.ts';

type Handler = typeof import('../../functions/render.ts')['handler'];
let stack: TestStack;
let render: Handler;
const sample = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../examples/sample-report.json'), 'utf8'),
);
let sequence = 0;

beforeAll(async () => {
  stack = await createTestStack();
  useStackEnv(stack);
  ({ handler: render } = await import('../../functions/render.ts'));
}, 60_000);

async function upload(over: Record<string, unknown>): Promise<string> {
  const id = `c-${randomBytes(4).toString('hex')}`;
  const key = `reports/${id}.json`;
  await s3.send(
    new PutObjectCommand({
      Bucket: stack.env.UPLOAD_BUCKET,
      Key: key,
      Body: JSON.stringify({ ...sample, id, ...over }),
    }),
  );
  const event = fixture('s3-objectcreated-put__aws-lambda-go-urlencoded-key.json') as {
    Records: Record<string, any>[];
  };
  const r = event.Records[0]!;
  r.eventName = 'ObjectCreated:Put';
  r.s3.bucket.name = stack.env.UPLOAD_BUCKET;
  r.s3.object.key = key;
  r.s3.object.sequencer = `00${(++sequence).toString(16).padStart(16, '0')}`;
  r.s3.object.eTag = randomBytes(16).toString('hex');
  await render(event as never);
  return id;
}

describe('"canary" in a report file', () => {
  it('is recorded as the report asks, and left out when it says nothing', async () => {
    const yes = await upload({ canary: true });
    const no = await upload({ canary: false });
    const silent = await upload({});
    expect(await reportItem(stack, yes)).toMatchObject({ status: 'SCHEDULED', canaryRequested: true });
    expect(await reportItem(stack, no)).toMatchObject({ status: 'SCHEDULED', canaryRequested: false });
    const plain = await reportItem(stack, silent);
    expect(plain?.status).toBe('SCHEDULED');
    expect(plain && 'canaryRequested' in plain).toBe(false);
  });

  it('refuses anything but a boolean, naming the path, and schedules nothing', async () => {
    const bad = await upload({ canary: 'yes' });
    const item = await reportItem(stack, bad);
    expect(item?.status).toBe('REJECTED');
    expect(item?.errors?.map((e) => e.path)).toContain('$.canary');
  });
});
