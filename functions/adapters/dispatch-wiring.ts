/**
 * The dispatcher's ports and settings from the configuration, shared by the dispatch handler
 * (functions/dispatch.ts) and the worker handler (functions/dispatch-worker.ts).
 */
import { archiveSites } from '../archive/entries.ts';
import type { Config } from '../core/config.ts';
import { systemSleeper } from '../core/pacing.ts';
import { systemClock } from '../core/ports.ts';
import { loadCanarySettings } from '../core/canary.ts';
import { loadReputationGuard } from '../core/reputation.ts';
import { countedMailer, observedQuota } from '../core/send-metrics.ts';
import type { SigningKey } from '../core/tokens.ts';
import type { DispatchDeps, DispatchLog, DispatchSettings } from '../core/use-cases/dispatch-due.ts';
import { archivePublisher } from '../core/use-cases/publish-archive.ts';
import { dynamo } from './aws/dynamo.ts';
import { s3 } from './aws/s3.ts';
import { sesv2 } from './aws/sesv2.ts';
import { sesv2Sending } from './aws/sesv2-sending.ts';
import { dynamoAudience } from './dynamo-audience.ts';
import { dynamoCanaryStore } from './dynamo-canary-store.ts';
import { dynamoLastSend } from './dynamo-last-send.ts';
import { dynamoLedger } from './dynamo-ledger.ts';
import { dynamoReportStore } from './dynamo-report-store.ts';
import { dynamoConfirmationLoad } from './dynamo-send-load.ts';
import { editorNotifier } from './editor-notifier.ts';
import { logger } from './logger.ts';
import { metrics } from './metrics.ts';
import { s3BlobStore } from './s3-blob-store.ts';
import { sesMailer, sesQuota } from './ses-mailer.ts';

const log: DispatchLog = {
  info: (m, extra) => logger.info(m, extra ?? {}),
  warn: (m, extra) => logger.warn(m, extra ?? {}),
  error: (m, extra) => logger.error(m, extra ?? {}),
};

export function dispatchDeps(config: Config, unsubscribeKey: SigningKey | Buffer): DispatchDeps {
  const opts = { from: config.from, configurationSet: config.configurationSet };
  const blobs = s3BlobStore(s3, config.bucket);
  return {
    reports: dynamoReportStore(dynamo, config.tables.reports),
    ledger: dynamoLedger(dynamo, config.tables),
    audience: dynamoAudience(dynamo, config.tables.subscribers),
    blobs,
    // Sends and quota reads counted on the way (EmailsSent, SendThrottles, SendFailures, MaxSendRate…);
    // each newsletter names its part's SES template (ses-templates.ts).
    mailer: countedMailer(sesMailer(sesv2Sending, { ...opts, templates: true, warn: log.warn }), metrics),
    quota: observedQuota(sesQuota(sesv2), metrics),
    // Editor notices go through the retrying client: losing one matters more than a rare repeat.
    notifier: editorNotifier(sesMailer(sesv2, opts), config),
    clock: systemClock,
    sleeper: systemSleeper,
    unsubscribeKey,
    log,
    confirmations: dynamoConfirmationLoad(dynamo, config.tables.subscribers),
    canary: dynamoCanaryStore(dynamo, config.tables.reports),
    lastSend: dynamoLastSend(dynamo, config.tables.reports),
    // Whichever run or worker finishes the report publishes its web version.
    archive: archivePublisher(
      blobs,
      archiveSites({
        publicBaseUrl: config.publicBaseUrl,
        newsletterName: config.newsletterName,
        senderName: config.sender.name,
      }),
    ),
  };
}

export function dispatchSettings(config: Config): DispatchSettings {
  return {
    publicBaseUrl: config.publicBaseUrl,
    unsubscribeMailto: config.unsubscribeMailto,
    rateFraction: config.sending.rateFraction,
    concurrency: config.sending.concurrency,
    dailyHeadroom: config.sending.dailyHeadroom,
    leaseMarginMs: config.sending.leaseMarginMs,
    reputation: loadReputationGuard(),
    canary: loadCanarySettings(),
    maxWorkers: config.sending.maxWorkers,
    workerRate: config.sending.workerRate,
  };
}
