/**
 * How local/emulators.ts starts DynamoDB Local: with its telemetry to AWS turned off (nothing
 * here may call AWS) and on the serial collector, without leaving either setting in this
 * process's own environment. Read from the JVM's environment in /proc (Linux).
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startDynamo } from '../../local/emulators.ts';
import { freePort } from '../../local/ports.ts';

describe.runIf(existsSync('/proc/self/environ'))('DynamoDB Local as the local stack starts it', () => {
  it('runs without telemetry and on the serial collector; this process keeps its environment', async () => {
    const before = { ...process.env };
    const dynamo = await startDynamo({ port: await freePort() });
    try {
      expect(dynamo.pid).toBeTypeOf('number');
      const env = new Map(
        readFileSync(`/proc/${dynamo.pid}/environ`, 'utf8')
          .split('\0')
          .filter(Boolean)
          .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as const),
      );
      expect(env.get('DDB_LOCAL_TELEMETRY')).toBe('0');
      expect(env.get('JAVA_TOOL_OPTIONS')).toContain('-XX:+UseSerialGC');
      expect(process.env).toEqual(before);
    } finally {
      await dynamo.stop();
    }
  }, 120_000);
});
