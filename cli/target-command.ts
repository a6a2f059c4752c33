/**
 * `kawaraban target [--json]`: what the CLI talks to and whether it answers.
 *
 * 1. Resolve the target (cli/target.ts); none at all → the one line saying what was tried.
 * 2. Probe it: DescribeTable on both tables, HeadBucket on the bucket (read-only calls).
 * 3. Print the settings and one ✓/✗ line per probe (or JSON); exit 0 only when all answer.
 */
import { displayWidth, labelled, padDisplay } from './columns.ts';
import { cliLang } from './context.ts';
import { describeFailure, socketError } from './failure.ts';
import { cliTexts } from './i18n/index.ts';
import { type Target, chooseTarget } from './target.ts';

export interface Probe {
  name: string;
  ok: boolean;
  error?: string;
}

/** Short reason for a probe line: the socket error, or the SDK error's name. */
export function shortReason(err: unknown): string {
  const socket = socketError(err);
  if (socket) return `${socket.code}${socket.port ? ` ${socket.address ?? ''}:${socket.port}` : ''}`;
  const e = err as Error;
  return e?.name && e.name !== 'Error' ? e.name : (e?.message ?? String(err));
}

export async function probeTarget(target: Target): Promise<{ probes: Probe[]; firstError?: unknown }> {
  const [{ DynamoDBClient, DescribeTableCommand }, { S3Client, HeadBucketCommand }] = await Promise.all([
    import('@aws-sdk/client-dynamodb'),
    import('@aws-sdk/client-s3'),
  ]);
  const ddb = new DynamoDBClient({ maxAttempts: 1 });
  const s3 = new S3Client({ forcePathStyle: !!process.env.AWS_ENDPOINT_URL_S3, maxAttempts: 1 });
  let firstError: unknown;
  const probe = async (name: string, call: () => Promise<unknown>): Promise<Probe> => {
    try {
      await call();
      return { name, ok: true };
    } catch (err) {
      firstError ??= err;
      return { name, ok: false, error: shortReason(err) };
    }
  };
  try {
    const probes = await Promise.all([
      probe(`dynamodb ${target.subscribersTable}`, () =>
        ddb.send(new DescribeTableCommand({ TableName: target.subscribersTable })),
      ),
      probe(`dynamodb ${target.reportsTable}`, () =>
        ddb.send(new DescribeTableCommand({ TableName: target.reportsTable })),
      ),
      probe(`s3 ${target.bucket}`, () => s3.send(new HeadBucketCommand({ Bucket: target.bucket }))),
    ]);
    return { probes, firstError };
  } finally {
    ddb.destroy();
    s3.destroy();
  }
}

export async function printTarget(opts: { json?: boolean }): Promise<number> {
  const lang = cliLang();
  const m = cliTexts[lang].target;
  const target = await chooseTarget({ quiet: true });
  const { probes, firstError } = await probeTarget(target);
  const reachable = probes.every((p) => p.ok);
  if (opts.json) {
    console.log(JSON.stringify({ ...target, reachable, probes }, null, 2));
    return reachable ? 0 : 1;
  }
  const l = m.labels;
  const secret = target.secretArn ?? (target.kind === 'stack' ? m.none : m.secretLocal);
  const rows: [string, string | undefined][] = [
    [l.target, target.kind === 'stack' ? `${m.kinds.stack} ${target.stack}` : m.kinds[target.kind]],
    [l.source, target.source],
    [l.region, target.region],
    [l.account, target.account ?? (target.kind === 'local' ? m.localAccount : undefined)],
    [l.bucket, target.bucket],
    [l.subscribersTable, target.subscribersTable],
    [l.reportsTable, target.reportsTable],
    [l.secret, secret],
    [
      l.endpoints,
      Object.entries(target.endpoints)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || m.none,
    ],
  ];
  for (const line of labelled(rows)) console.log(line);
  const width = Math.max(...rows.map(([k]) => displayWidth(k))) + 2;
  probes.forEach((p, i) => {
    console.log(
      `${padDisplay(i === 0 ? l.reachable : '', width)}${p.ok ? '✓' : '✗'} ${p.name}${p.error ? `: ${p.error}` : ''}`,
    );
  });
  if (!reachable) console.error(`kawaraban: ${describeFailure(firstError, lang, target)}`);
  return reachable ? 0 : 1;
}
