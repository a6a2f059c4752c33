/**
 * The CLI as an operator runs it: its own process (bin/kawaraban.js), so the SDK clients are
 * created from what the target put into the environment, and stdout can be a pipe that closes.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../local/ports.ts';
import { putSubscribers, subscriber } from '../helpers/audience.ts';
import { createTestStack } from '../helpers/stack.ts';

const emulatorEnvNow = () =>
  Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('AWS_'))) as Record<
    string,
    string
  >;

const bin = resolve('bin/kawaraban.js');

/** Runs the CLI; `firstLineOnly` closes its stdout after the first line, as `| head -1` does. */
function kawaraban(args: string[], env: Record<string, string>, opts: { firstLineOnly?: boolean } = {}) {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(AWS_|SUBSCRIBERS_TABLE|REPORTS_TABLE|UPLOAD_BUCKET|KAWARABAN_)/.test(k),
    ),
  );
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  child.stdout.on('data', (d: Buffer) => {
    out += d;
    if (opts.firstLineOnly && out.includes('\n')) child.stdout.destroy();
  });
  return new Promise<{ code: number | null; out: string; err: string }>((done) =>
    child.on('close', (code) => done({ code, out, err })),
  );
}

describe('kawaraban in its own process', () => {
  it('on a stopped local stack, ends with one line naming the endpoint it tried and what to do', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'kawaraban-stale-')), '.local');
    mkdirSync(dir);
    const closed = await freePort();
    writeFileSync(
      join(dir, 'env.json'),
      JSON.stringify({
        AWS_REGION: 'ap-northeast-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${closed}`,
        SUBSCRIBERS_TABLE: 'kawaraban-subscribers',
        REPORTS_TABLE: 'kawaraban-reports',
        UPLOAD_BUCKET: 'kawaraban-uploads',
      }),
    );
    const run = await kawaraban(['report', 'list', '--lang', 'en'], { KAWARABAN_LOCAL_DIR: dir });
    expect(run.code).toBe(1);
    expect(run.out).toBe('');
    expect(run.err.trim().split('\n')).toEqual([
      `kawaraban: talking to the local stack (${join(dir, 'env.json')})`,
      `kawaraban: cannot reach the local stack (dynamodb 127.0.0.1:${closed}: ECONNREFUSED). start the local stack with npm start (its .local/env.json outlived it); for AWS pass --stack <prefix>`,
    ]);
  });

  it('ends quietly when its output pipe closes early (| head)', async () => {
    // Far more than a pipe buffer (64 KiB), so the writes after the close do fail.
    const stack = await createTestStack();
    await putSubscribers(
      stack,
      Array.from({ length: 1500 }, () => subscriber(stack.address(), 'confirmed')),
    );
    const env = { ...emulatorEnvNow(), ...stack.env };
    const run = await kawaraban(['subscribers', 'export'], env, { firstLineOnly: true });
    expect(run.out.split('\r\n')[0]).toMatch(/^email,id,status,/);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const whole = await kawaraban(['subscribers', 'export'], env);
    expect(whole.out.length).toBeGreaterThan(200_000);
  });

  it('prints its version, and refuses an unknown --lang in both languages with exit 2', async () => {
    const version = await kawaraban(['--version'], {});
    expect(version.out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const bad = await kawaraban(['report', 'list', '--lang', 'fr'], {});
    expect(bad.code).toBe(2);
    expect(bad.err.trim()).toBe(
      'kawaraban: --lang は ja か en です（指定: fr） / --lang must be ja or en (got fr)',
    );
  });
});
