/**
 * Dispatcher throughput vs a naive sender, for the same confirmed subscribers written straight
 * into the subscribers table and the same rendered report:
 * - baseline: read the confirmed audience (the same GSI pages), then one SendEmail per
 *   subscriber through `sesMailer`, one at a time, no ledger;
 * - ours: the real dispatch handler (functions/dispatch.ts) on a scheduled event — lease, quota,
 *   audience count, ledger claims and marks (one transaction per claim, which carries the marks of
 *   the rows answered since the last), checkpoints, editors' notice — with a MaxSendRate far above what
 *   the emulators can take, so pacing is not the limit.
 * Import this module only after the environment points at the emulators (the handler reads
 * its config and creates its clients at load).
 */
import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  renderReportEmail,
  UNSUBSCRIBE_TOKEN_PLACEHOLDER,
  type NewsletterContext,
} from '../emails/render.ts';
import { dynamo } from '../functions/adapters/aws/dynamo.ts';
import { s3 } from '../functions/adapters/aws/s3.ts';
import { sesv2 } from '../functions/adapters/aws/sesv2.ts';
import { sesv2Sending } from '../functions/adapters/aws/sesv2-sending.ts';
import { dynamoAudience } from '../functions/adapters/dynamo-audience.ts';
import { dynamoReportStore } from '../functions/adapters/dynamo-report-store.ts';
import { s3BlobStore } from '../functions/adapters/s3-blob-store.ts';
import { sesMailer } from '../functions/adapters/ses-mailer.ts';
import type { Config } from '../functions/core/config.ts';
import type { OutgoingEmail } from '../functions/core/ports.ts';
import { renderedKey, zeroCounts, type RenderedReport } from '../functions/core/report.ts';
import type { Report } from '../functions/core/report-schema.ts';
import { SHARD_COUNT, shardOf, statusShard, type Subscriber } from '../functions/core/subscriber.ts';
import { newSubscriberId } from '../functions/core/tokens.ts';
import type { Recipient } from '../functions/core/use-cases/sending-ports.ts';
import { personalise } from '../functions/core/use-cases/dispatch-due.ts';
import { handler } from '../functions/dispatch.ts';
import { formatMs } from './format.ts';
import type { BenchCase } from './runner.ts';
import { benchContext, scheduledEvent } from './lambda-invocation.ts';
import { describeTally, mergeTallies, SdkTimings, type CallTally } from './sdk-timings.ts';

/**
 * `n` confirmed subscribers written straight into the table, spread over the shards (or with the
 * given addresses); their addresses.
 */
export async function seedConfirmed(table: string, n: number, emails?: readonly string[]): Promise<string[]> {
  const tag = randomBytes(3).toString('hex');
  const subs: Subscriber[] = Array.from({ length: n }, (_, i) => {
    const email = emails?.[i] ?? `reader${i}-${tag}@bench.example.com`;
    const shard = shardOf(email);
    return {
      email,
      id: newSubscriberId(),
      status: 'confirmed',
      locale: i % 5 === 4 ? 'en' : 'ja',
      shard,
      statusShard: statusShard('confirmed', shard),
      createdAt: '2030-01-01T00:00:00.000Z',
      confirmedAt: '2030-01-01T00:00:01.000Z',
    };
  });
  await batchWriteAll(
    table,
    subs.map((Item) => ({ PutRequest: { Item } })),
  );
  return subs.map((s) => s.email);
}

/** Deletes the subscribers `seedConfirmed` wrote (the send-rate bench's warm-up audience). */
export async function unseedConfirmed(table: string, emails: readonly string[]): Promise<void> {
  await batchWriteAll(
    table,
    emails.map((email) => ({ DeleteRequest: { Key: { email } } })),
  );
}

/** Every request, 25 per BatchWriteItem, four batches at a time, unprocessed ones again. */
async function batchWriteAll(table: string, requests: readonly unknown[]): Promise<void> {
  const batches = Array.from({ length: Math.ceil(requests.length / 25) }, (_, i) =>
    requests.slice(i * 25, i * 25 + 25),
  );
  await Promise.all(
    Array.from({ length: 4 }, async (_, lane) => {
      for (let b = lane; b < batches.length; b += 4) {
        let items: Record<string, unknown[]> | undefined = { [table]: batches[b]! };
        while (items && Object.keys(items).length) {
          const out = await dynamo.batchWrite({ RequestItems: items as never });
          items = out.UnprocessedItems as Record<string, unknown[]> | undefined;
        }
      }
    }),
  );
}

export async function dispatchCase(opts: {
  config: Config;
  ctx: NewsletterContext;
  key: Buffer;
  report: Report;
  reportText: string;
  subscribers: number;
  sesUrl: string;
  maxSendRate: number;
}): Promise<BenchCase> {
  const { config, key, report } = opts;
  const blobs = s3BlobStore(s3, config.bucket);
  const reports = dynamoReportStore(dynamo, config.tables.reports);
  const audience = dynamoAudience(dynamo, config.tables.subscribers);
  const mailer = sesMailer(sesv2, { from: config.from, configurationSet: config.configurationSet });
  const timings = new SdkTimings();
  timings.attachPort(dynamo);
  // Both SES clients: the dispatcher sends newsletters through its own (one attempt per call).
  timings.attachPort(sesv2);
  timings.attachPort(sesv2Sending);
  timings.attachPort(s3);
  const measured: { baseline: CallTally[]; ours: CallTally[] } = { baseline: [], ours: [] };
  /** Wall time of the measured runs, and the part of it with no SDK call in flight. */
  const wallMs = { baseline: 0, ours: 0 };
  const outsideMs = { baseline: 0, ours: 0 };
  let counting = false;
  /** Ticks beyond the first a round needed (a report left to the next tick). */
  let extraTicks = 0;

  await seedConfirmed(config.tables.subscribers, opts.subscribers);
  const contentHash = createHash('sha256').update(opts.reportText).digest('hex');
  const rendered: Omit<RenderedReport, 'reportId'> = {
    contentHash,
    placeholder: UNSUBSCRIBE_TOKEN_PLACEHOLDER,
    locales: {
      ja: await renderReportEmail(report, opts.ctx, 'ja'),
      en: await renderReportEmail(report, opts.ctx, 'en'),
    },
  };
  const naiveKey = renderedKey('bench-naive', contentHash);
  await blobs.putText(naiveKey, JSON.stringify({ ...rendered, reportId: 'bench-naive' }), 'application/json');

  const clearMailbox = async () => {
    const res = await fetch(`${opts.sesUrl}/clear-store`, { method: 'POST' });
    if (!res.ok) throw new Error(`SES emulator /clear-store answered ${res.status}`);
  };
  let runs = 0;
  /** A fresh SCHEDULED report, due now, with its rendered output — as the render function leaves it. */
  const scheduleReport = async () => {
    const reportId = `bench-${++runs}-${randomBytes(3).toString('hex')}`;
    return scheduleDue(blobs, reports, {
      reportId,
      report,
      rendered: { ...rendered, reportId },
      audience: opts.subscribers,
    });
  };
  let reportId = '';

  /** The message the dispatcher would send this recipient: the dispatcher's own code, so both send the same. */
  const message = (r: RenderedReport, to: Recipient): OutgoingEmail =>
    personalise(r, to, key, config, r.reportId);

  const keep = (side: 'baseline' | 'ours', startedAt: number) => {
    const wall = performance.now() - startedAt;
    const t = timings.take();
    const busy = timings.takeBusyMs();
    if (!counting) return;
    measured[side].push(t);
    wallMs[side] += wall;
    outsideMs[side] += Math.max(0, wall - busy);
  };

  return {
    title: `dispatch: ${opts.subscribers} confirmed subscribers, sample report, to the SES emulator`,
    unit: 'send',
    baseline: {
      label: 'sequential SendEmail per subscriber, no ledger',
      async prepare() {
        await clearMailbox();
        timings.take();
        timings.takeBusyMs();
      },
      async run() {
        const startedAt = performance.now();
        const r = JSON.parse(await blobs.getText(naiveKey)) as RenderedReport;
        let sent = 0;
        for (let shard = 0; shard < SHARD_COUNT; shard++) {
          let start: Record<string, string> | undefined;
          do {
            const page = await audience.page(shard, start, 100);
            for (const to of page.items) {
              await mailer.send(message(r, to));
              sent++;
            }
            start = page.lastKey;
          } while (start);
        }
        keep('baseline', startedAt);
        return sent;
      },
    },
    ours: {
      label: `dispatch handler (ledger, ${config.sending.concurrency} in flight)`,
      async prepare() {
        await clearMailbox();
        reportId = await scheduleReport();
        timings.take();
        timings.takeBusyMs();
      },
      async run() {
        const startedAt = performance.now();
        let summary = await handler(scheduledEvent, benchContext(900_000));
        // A worker whose send failed in passing (its row unresolved, one attempt per call) leaves the
        // report to the next tick, as on AWS: the bench runs that tick at once and counts it.
        for (let tick = 1; tick < 5 && summary.reports.some((x) => x.outcome === 'continues'); tick++) {
          extraTicks++;
          summary = await handler(scheduledEvent, benchContext(900_000));
        }
        keep('ours', startedAt);
        const mine = summary.reports.find((x) => x.reportId === reportId);
        if (summary.reports.length !== 1 || mine?.outcome !== 'sent' || mine.failed !== 0) {
          throw new Error(`dispatch did not finish the report cleanly: ${JSON.stringify(summary.reports)}`);
        }
        // With parallel workers the run itself may send none: the report's own count is what went out.
        return (await reports.get(reportId))?.counts.sent ?? 0;
      },
    },
    measuring() {
      counting = true;
    },
    notes() {
      const sends = (side: 'baseline' | 'ours') => measured[side].length * opts.subscribers;
      const outside = (side: 'baseline' | 'ours') =>
        `${formatMs(outsideMs[side] / sends(side))} (${((100 * outsideMs[side]) / wallMs[side]).toFixed(1)} %)`;
      return [
        `ours: MaxSendRate ${opts.maxSendRate.toLocaleString('en-US')}/s × SEND_RATE_FRACTION ${config.sending.rateFraction} (pacing not the limit), SEND_CONCURRENCY ${config.sending.concurrency}`,
        'the emulators run on the same CPUs as the bench: calls in flight queue for CPU rather than overlap network waits',
        'as they would against AWS, so this ratio mostly prices the ledger: one transaction per claim (the next rows, up',
        'to SEND_CONCURRENCY unanswered), which also marks sent the rows that went out since the last claim.',
        `SDK calls per send × mean latency (calls overlap in ours; they add up to more than the wall time; ours's SendEmail`,
        '  includes the wait for its admission into the one-second window, which happens inside the client call):',
        `  ours      ${describeTally(mergeTallies(measured.ours), sends('ours'), formatMs)}`,
        `  baseline  ${describeTally(mergeTallies(measured.baseline), sends('baseline'), formatMs)}`,
        `wall time with no SDK call in flight, per send (share of the wall time): ours ${outside('ours')} · baseline ${outside('baseline')}`,
        ...(extraTicks > 0
          ? [
              `ours needed ${extraTicks} tick(s) beyond the first in all rounds (a send failed in passing: the next tick re-sent it)`,
            ]
          : []),
      ];
    },
  };
}

/**
 * A SCHEDULED report, due a minute ago, with its rendered output stored: as the render function
 * leaves it. Both dispatcher benches schedule through this.
 */
export async function scheduleDue(
  blobs: ReturnType<typeof s3BlobStore>,
  reports: ReturnType<typeof dynamoReportStore>,
  r: { reportId: string; report: Report; rendered: RenderedReport; audience?: number },
): Promise<string> {
  const { reportId, report, rendered } = r;
  const key = renderedKey(reportId, rendered.contentHash);
  await blobs.putText(key, JSON.stringify(rendered), 'application/json');
  const now = new Date();
  const put = await reports.replace({
    reportId,
    status: 'SCHEDULED',
    title: report.title,
    issuedOn: report.issuedOn,
    sendAt: new Date(now.getTime() - 60_000).toISOString(),
    contentHash: rendered.contentHash,
    sourceKey: `reports/${reportId}.json`,
    renderedKey: key,
    counts: r.audience === undefined ? zeroCounts() : { ...zeroCounts(), audience: r.audience },
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  });
  if (!put.ok) throw new Error(`could not schedule ${reportId}: ${put.status}`);
  return reportId;
}
