/**
 * The edge origin secret as on AWS: functions/api.ts configured with EDGE_ORIGIN_SECRET_ARN reads it
 * from Secrets Manager (a loopback stub: no emulator) only for requests that present one, once per cold
 * start, never logs it nor the viewer's address, and a failed read degrades to counting the TCP
 * peer without failing the request or poisoning the instance.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ORIGIN_SECRET_HEADER, VIEWER_ADDRESS_HEADER } from '../../functions/http/edge.ts';
import { apiEvent } from '../helpers/api-events.ts';
import { captureLogs } from '../helpers/log-capture.ts';
import { secretsStub } from '../helpers/secrets-stub.ts';
import { createTestStack, useStackEnv } from '../helpers/stack.ts';

const stack = await createTestStack();
useStackEnv(stack);
process.env.EDGE_ORIGIN_SECRET_ARN =
  'arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:kawaraban-edge-AbCdEf';
const EDGE_SECRET = 'EdgeOriginSecretGeneratedBySecretsManager0123456';
const VIEWER = '203.0.113.77';

let fail = true;
// A refusal the client does not retry (a permission not granted yet), so one read is one request.
const sm = await secretsStub(() =>
  fail ? { error: 'AccessDeniedException', message: 'not authorized' } : { SecretString: EDGE_SECRET },
);
sm.useAsEndpoint();
const reads = () => sm.reads();

const { handler } = await import('../../functions/api.ts');
const logs = captureLogs();
beforeAll(() => logs.start());
afterAll(async () => {
  logs.stop();
  delete process.env.EDGE_ORIGIN_SECRET_ARN;
  await sm.close();
});

/** The `via` of the newest request log line. */
const lastVia = () => {
  const lines = logs
    .text()
    .split('\n')
    .filter((l) => l.includes('"message":"request"'));
  return JSON.parse(lines.at(-1)!).via as string;
};
const home = async (headers: Record<string, string> = {}) =>
  (await handler(apiEvent({ path: '/', headers, sourceIp: '130.176.0.10' }))).statusCode;
const viaEdge = { [ORIGIN_SECRET_HEADER]: EDGE_SECRET, [VIEWER_ADDRESS_HEADER]: `${VIEWER}:51000` };

describe('the edge origin secret from Secrets Manager', () => {
  beforeEach(() => {
    fail = true;
  });

  it('is not read for a direct request', async () => {
    expect(await home()).toBe(200);
    expect(lastVia()).toBe('direct');
    expect(reads()).toBe(0);
  });

  it('when unreadable, the request is still answered and counted by its peer; the next one reads again', async () => {
    expect(await home(viaEdge)).toBe(200);
    expect(lastVia()).toBe('secret-unavailable');
    expect(logs.text()).toContain('edge origin secret unreadable');
    fail = false;
    expect(await home(viaEdge)).toBe(200);
    expect(lastVia()).toBe('edge');
    expect(reads()).toBe(2);
  });

  it('is read once, then compared: a wrong secret is forged; neither secret nor viewer address is logged', async () => {
    fail = false;
    const before = reads();
    expect(await home(viaEdge)).toBe(200);
    expect(lastVia()).toBe('edge');
    expect(await home({ ...viaEdge, [ORIGIN_SECRET_HEADER]: EDGE_SECRET.replace('0', '1') })).toBe(200);
    expect(lastVia()).toBe('forged');
    expect(reads()).toBe(before);
    expect(logs.text()).not.toContain(EDGE_SECRET);
    expect(logs.text()).not.toContain(VIEWER);
  });
});
