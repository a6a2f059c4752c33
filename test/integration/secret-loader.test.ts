/**
 * The one keyring loader (functions/adapters/secret.ts) over its three sources: it keeps a value
 * for maxAge, never keeps a failure (a failed or malformed read is read again next time), and
 * reads again early, at most once per MIN_REFRESH_MS, when asked to refresh.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { leanSecretsManager } from '../../functions/adapters/aws/lean/secrets-manager.ts';
import { secrets } from '../../functions/adapters/aws/secrets.ts';
import { MIN_REFRESH_MS, unsubscribeKeyring } from '../../functions/adapters/secret.ts';
import { LEGACY_KEY_ID } from '../../functions/core/tokens.ts';
import { parseKeyring, rotateKeyring, serializeKeyring } from '../../functions/core/unsubscribe-keys.ts';
import { type SecretAnswer, secretsStub } from '../helpers/secrets-stub.ts';

const plain = 'secret-'.repeat(6);
const rotated = serializeKeyring(
  rotateKeyring(parseKeyring(plain), { now: new Date(), keepOldDays: 730 }).ring,
);
const arn = 'arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:kawaraban-unsubscribe-AbCdEf';

describe('from Secrets Manager', async () => {
  // A loopback Secrets Manager; each test scripts its answers. One attempt per read, so that a
  // scripted failure is one failed read (the retries are the client's, tested on their own).
  let script: (n: number) => SecretAnswer = () => ({ SecretString: plain });
  let first = 0;
  const stub = await secretsStub((_id, n) => script(n - first));
  afterAll(() => stub.close());
  const client = leanSecretsManager({ endpoint: stub.url }, { maxAttempts: 1 });
  const reads = () => stub.reads() - first;
  const answers = (...list: SecretAnswer[]) => {
    first = stub.reads();
    script = (n) => list[Math.min(n, list.length) - 1]!;
  };

  it('keeps a value for maxAge, and a failure never: the next call reads again', async () => {
    answers(
      { error: 'InternalServiceError', message: 'Service unavailable', status: 500 },
      { SecretString: 'too-short' },
      {},
      { SecretString: plain },
    );
    const keys = unsubscribeKeyring({ unsubscribeSecret: { arn }, secretMaxAgeSeconds: 300 }, client);
    await expect(keys.get()).rejects.toThrow(/Service unavailable/);
    await expect(keys.get()).rejects.toThrow('unsubscribe secret is missing or shorter than 32 characters');
    await expect(keys.get()).rejects.toThrow('unsubscribe secret is missing or shorter than 32 characters');
    expect((await keys.get()).current).toBe(LEGACY_KEY_ID);
    expect(reads()).toBe(4);
    expect(stub.last()?.body).toEqual({ SecretId: arn });
    for (let i = 0; i < 5; i++) await keys.get();
    expect(reads()).toBe(4);
  });

  it('refreshes at most once per MIN_REFRESH_MS, whatever a flood of unknown key ids asks', async () => {
    answers({ SecretString: plain }, { SecretString: rotated });
    let t = 1_000_000;
    const keys = unsubscribeKeyring(
      { unsubscribeSecret: { arn }, secretMaxAgeSeconds: 300 },
      client,
      () => t,
    );
    expect((await keys.get()).keys).toHaveLength(1);
    expect((await keys.refresh()).keys).toHaveLength(2);
    for (let i = 0; i < 20; i++) await keys.refresh();
    expect(reads()).toBe(2);
    t += MIN_REFRESH_MS;
    await keys.refresh();
    expect(reads()).toBe(3);
  });
});

describe('from a file (the local runtime)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kawaraban-secret-'));
  const file = join(dir, 'unsubscribe-secret');

  it('a missing file fails, and works as soon as it is there; within maxAge a change is not read', async () => {
    const keys = unsubscribeKeyring({ unsubscribeSecret: { file }, secretMaxAgeSeconds: 300 }, secrets);
    await expect(keys.get()).rejects.toThrow(/ENOENT/);
    writeFileSync(file, `${plain}\n`);
    expect((await keys.get()).keys).toHaveLength(1);
    writeFileSync(file, rotated);
    expect((await keys.get()).keys).toHaveLength(1);
    expect((await keys.refresh()).keys).toHaveLength(2);
  });

  it('with maxAge 0 (the dispatcher) every call reads the file', async () => {
    writeFileSync(file, plain);
    const keys = unsubscribeKeyring({ unsubscribeSecret: { file }, secretMaxAgeSeconds: 0 }, secrets);
    expect((await keys.get()).keys).toHaveLength(1);
    writeFileSync(file, rotated);
    expect((await keys.get()).keys).toHaveLength(2);
    rmSync(file);
    await expect(keys.get()).rejects.toThrow(/ENOENT/);
  });
});

describe('from the environment (tests)', () => {
  it('is the value, checked on every call', async () => {
    const keys = unsubscribeKeyring(
      { unsubscribeSecret: { value: plain }, secretMaxAgeSeconds: 300 },
      secrets,
    );
    expect((await keys.refresh()).current).toBe(LEGACY_KEY_ID);
    const bad = unsubscribeKeyring(
      { unsubscribeSecret: { value: `{${plain}` }, secretMaxAgeSeconds: 300 },
      secrets,
    );
    await expect(bad.get()).rejects.toThrow('not valid JSON');
  });
});
