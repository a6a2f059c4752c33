/** A dispatcher wired to a test stack's emulators (virtual time), shared by the dispatch tests. */
import { inject } from 'vitest';
import { testSecret, type TestStack } from './stack.ts';
import type { SentEmail } from './inbox.ts';
import { VirtualClock } from './virtual-clock.ts';
import { doc, ledgerRows, setStatus } from './audience.ts';
import { dynamoAudience } from '../../functions/adapters/dynamo-audience.ts';
import { dynamoLedger } from '../../functions/adapters/dynamo-ledger.ts';
import { dynamoReportStore } from '../../functions/adapters/dynamo-report-store.ts';
import { editorNotifier } from '../../functions/adapters/editor-notifier.ts';
import { s3 as leanS3 } from '../../functions/adapters/aws/s3.ts';
import { s3BlobStore } from '../../functions/adapters/s3-blob-store.ts';
import { sesv2 } from '../../functions/adapters/aws/sesv2.ts';
import { sesv2Sending } from '../../functions/adapters/aws/sesv2-sending.ts';
import { sesMailer } from '../../functions/adapters/ses-mailer.ts';
import type { DispatchDeps, DispatchSettings } from '../../functions/core/use-cases/dispatch-due.ts';
import type { Mailer } from '../../functions/core/ports.ts';
import type { Subscriber } from '../../functions/core/subscriber.ts';
import { defaultReputationGuard } from '../../functions/core/reputation.ts';

export function dispatchSetup(
  stack: TestStack,
  over: Partial<DispatchDeps> = {},
  settingsOver: Partial<DispatchSettings> = {},
) {
  const clock = new VirtualClock();
  // As functions/adapters/dispatch-wiring.ts: newsletters through the one-attempt client.
  const sesOpts = { from: stack.config.from, configurationSet: stack.config.configurationSet };
  const mailer = sesMailer(sesv2Sending, { ...sesOpts, templates: true });
  const deps: DispatchDeps = {
    reports: dynamoReportStore(doc, stack.config.tables.reports),
    ledger: dynamoLedger(doc, stack.config.tables),
    audience: dynamoAudience(doc, stack.config.tables.subscribers),
    blobs: s3BlobStore(leanS3, stack.config.bucket),
    mailer,
    quota: {
      getQuota: async () => ({
        maxSendRate: 1000,
        max24HourSend: 1_000_000,
        sentLast24Hours: 0,
        sendingEnabled: true,
      }),
    },
    notifier: editorNotifier(sesMailer(sesv2, sesOpts), stack.config),
    clock,
    sleeper: clock,
    unsubscribeKey: Buffer.from(testSecret, 'utf8'),
    log: { info() {}, warn() {}, error() {} },
    ...over,
  };
  const settings: DispatchSettings = {
    publicBaseUrl: stack.config.publicBaseUrl,
    unsubscribeMailto: stack.config.unsubscribeMailto,
    rateFraction: 1,
    concurrency: 1,
    dailyHeadroom: 0,
    reputation: defaultReputationGuard,
    pageSize: 5,
    ...settingsOver,
  };
  return { deps, settings, clock };
}

let runs = 0;
export const dispatchRun = (budgetMs = 600_000) => ({ owner: `owner-x-${++runs}`, budgetMs });

/** How many messages the SES emulator holds for each address. */
export async function sentCounts(addresses: string[]): Promise<number[]> {
  const res = await fetch(`${inject('sesUrl')}/store`);
  const { emails } = (await res.json()) as { emails: SentEmail[] };
  return addresses.map((a) => emails.filter((e) => e.destination.to.includes(a)).length);
}

/** Every message in the SES emulator, grouped by recipient (one fetch). */
export async function inbox(): Promise<Map<string, SentEmail[]>> {
  const res = await fetch(`${inject('sesUrl')}/store`);
  const { emails } = (await res.json()) as { emails: SentEmail[] };
  const by = new Map<string, SentEmail[]>();
  for (const e of emails) for (const to of e.destination.to) by.set(to, [...(by.get(to) ?? []), e]);
  return by;
}

/** How many messages each of `subs` has in an `inbox()`. */
export const countsFor = (box: Map<string, SentEmail[]>, subs: Subscriber[]) =>
  subs.map((s) => box.get(s.email)?.length ?? 0);

/** The report item, read through the report store. */
export const reportItem = (stack: TestStack, reportId: string) =>
  dynamoReportStore(doc, stack.config.tables.reports).get(reportId);

/**
 * A mailer that sends through `real`; right after the first message goes out, every one of
 * `subs` not yet claimed for the report unsubscribes (an unsubscribe landing mid-send).
 * `leaving` holds the addresses that left.
 */
export function unsubscribeAfterFirstSend(
  stack: TestStack,
  reportId: string,
  subs: Subscriber[],
  real: Mailer,
) {
  const leaving = new Set<string>();
  let left: Promise<void> | undefined;
  const mailer: Mailer = {
    async send(m) {
      const out = await real.send(m);
      left ??= (async () => {
        const claimed = new Set((await ledgerRows(stack, reportId)).map((r) => String(r.item).slice(3)));
        for (const s of subs.filter((x) => !claimed.has(x.email))) {
          leaving.add(s.email);
          await setStatus(stack, s, 'unsubscribed');
        }
      })();
      // Every answer waits until they have all left: with no answer, no row is marked and the run
      // claims nobody new (its claimed-and-unmarked rows are at the bound), so no claim can land
      // between one unsubscribe and the next (it would rightly send to those not yet unsubscribed).
      await left;
      return out;
    },
  };
  return { mailer, leaving };
}
