/**
 * A report file's `"canary"` reaches the report item through the real render function (s3rver,
 * DynamoDB Local): true asks for a canary whatever the audience, false refuses one, absent leaves
 * it to the settings; a wrong type is refused with its path and nothing is scheduled.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { reportItem } from '../helpers/dispatch-setup.ts';
import { createTestStack, useStackEnv, type TestStack } from '../helpers/stack.ts';
import { uploadSample } from '../helpers/uploads.ts';

type Handler = typeof import('../../functions/render.ts')['handler'];
let stack: TestStack;
let render: Handler;

beforeAll(async () => {
  stack = await createTestStack();
  useStackEnv(stack);
  ({ handler: render } = await import('../../functions/render.ts'));
}, 60_000);

async function upload(over: Record<string, unknown>): Promise<string> {
  const id = `c-${randomBytes(4).toString('hex')}`;
  await uploadSample(stack, render, id, over);
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
