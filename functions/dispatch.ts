/**
 * Dispatch Lambda (contract 4), ticked by the EventBridge schedule: sends due reports
 * (functions/core/use-cases/dispatch-due.ts). Reserved concurrency 1 plus the lease keep two
 * runs off the same report. React-free: it only substitutes tokens into stored output.
 */
import { randomUUID } from 'node:crypto';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { dynamo } from './adapters/aws/dynamo.ts';
import { s3 } from './adapters/aws/s3.ts';
import { secrets } from './adapters/aws/secrets.ts';
import { sesv2 } from './adapters/aws/sesv2.ts';
import { dynamoAudience } from './adapters/dynamo-audience.ts';
import { dynamoLedger, dynamoReportStore } from './adapters/dynamo-report-store.ts';
import { editorNotifier } from './adapters/editor-notifier.ts';
import { logger } from './adapters/logger.ts';
import { metrics } from './adapters/metrics.ts';
import { withTelemetry } from './adapters/telemetry.ts';
import { s3BlobStore } from './adapters/s3-blob-store.ts';
import { unsubscribeKeyring } from './adapters/secret.ts';
import { sesMailer, sesQuota } from './adapters/ses-mailer.ts';
import { loadConfig } from './core/config.ts';
import { runBudget, systemSleeper } from './core/pacing.ts';
import { systemClock } from './core/ports.ts';
import { loadReputationGuard } from './core/reputation.ts';
import { countedMailer, observedQuota } from './core/send-metrics.ts';
import { signingKey } from './core/unsubscribe-keys.ts';
import { dispatchDue, type DispatchLog, type DispatchSummary } from './core/use-cases/dispatch-due.ts';

import { archiveSite } from './archive/entries.ts';
import { archivePublisher } from './core/use-cases/publish-archive.ts';
const config = loadConfig();
const reputation = loadReputationGuard();
const mailer = sesMailer(sesv2, { from: config.from, configurationSet: config.configurationSet });
const log: DispatchLog = {
  info: (m, extra) => logger.info(m, extra ?? {}),
  warn: (m, extra) => logger.warn(m, extra ?? {}),
  error: (m, extra) => logger.error(m, extra ?? {}),
};
// maxAge 0: the ring is read at the start of every run (one read a minute), so mail sent after a
// rotation carries the new key id.
const keys = unsubscribeKeyring({ ...config, secretMaxAgeSeconds: 0 }, secrets);
const blobs = s3BlobStore(s3, config.bucket);
const archive = archivePublisher(
  blobs,
  archiveSite({
    publicBaseUrl: config.publicBaseUrl,
    newsletterName: config.newsletterName,
    senderName: config.sender.name,
    locale: config.defaultLocale,
  }),
);

export const handler = withTelemetry(async (_event: ScheduledEvent, context?: Context): Promise<DispatchSummary> => {
  return dispatchDue(
    {
      reports: dynamoReportStore(dynamo, config.tables.reports),
      ledger: dynamoLedger(dynamo, config.tables),
      audience: dynamoAudience(dynamo, config.tables.subscribers),
      blobs,
      // Sends and quota reads counted on the way (EmailsSent, SendThrottles, SendFailures, MaxSendRate…).
      mailer: countedMailer(mailer, metrics),
      quota: observedQuota(sesQuota(sesv2), metrics),
      notifier: editorNotifier(mailer, config),
      clock: systemClock,
      sleeper: systemSleeper,
      unsubscribeKey: signingKey(await keys.get()),
      log,
      archive,
    },
    {
      publicBaseUrl: config.publicBaseUrl,
      unsubscribeMailto: config.unsubscribeMailto,
      rateFraction: config.sending.rateFraction,
      concurrency: config.sending.concurrency,
      dailyHeadroom: config.sending.dailyHeadroom,
      leaseMarginMs: config.sending.leaseMarginMs,
      reputation,
    },
    {
      owner: randomUUID(),
      budgetMs: runBudget(config.sending.budgetMs, context?.getRemainingTimeInMillis?.()),
    },
  );
});
