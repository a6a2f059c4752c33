/**
 * Render Lambda (contract 4), triggered by the upload bucket's `reports/*.json` and
 * `drafts/*.json` notifications: validates, renders once, records the report
 * (functions/core/use-cases/acceptReport). The only function that bundles React.
 */
import type { S3Event } from 'aws-lambda';
import { renderReportEmail, renderReportWeb } from '../emails/render.ts';
import { dynamo } from './adapters/aws/dynamo.ts';
import { s3 } from './adapters/aws/s3.ts';
import { sesv2 } from './adapters/aws/sesv2.ts';
import { dynamoAudience } from './adapters/dynamo-audience.ts';
import { dynamoIssueNumbers } from './adapters/dynamo-issue-numbers.ts';
import { dynamoReportStore } from './adapters/dynamo-report-store.ts';
import { dynamoUploadReceipts } from './adapters/dynamo-upload-receipts.ts';
import { editorNotifier, newsletterContext } from './adapters/editor-notifier.ts';
import { logger } from './adapters/logger.ts';
import { withTelemetry } from './adapters/telemetry.ts';
import { s3BlobStore } from './adapters/s3-blob-store.ts';
import { sesMailer } from './adapters/ses-mailer.ts';
import { loadConfig } from './core/config.ts';
import { systemClock } from './core/ports.ts';
import { acceptReport, type AcceptDeps, type AcceptOutcome } from './core/use-cases/accept-report.ts';
import { approveReport, isApprovalKey, type ApproveOutcome } from './core/use-cases/approve-report.ts';
import { dynamoApprovalStore } from './adapters/dynamo-approvals.ts';
import { principalOf } from './adapters/s3-principal.ts';

const config = loadConfig();
const ctx = newsletterContext(config);
const mailer = sesMailer(sesv2, { from: config.from, configurationSet: config.configurationSet });
const deps: AcceptDeps = {
  bucket: config.bucket,
  blobs: s3BlobStore(s3, config.bucket),
  reports: dynamoReportStore(dynamo, config.tables.reports),
  audience: dynamoAudience(dynamo, config.tables.subscribers),
  renderer: {
    render: (report, locale, opts) => renderReportEmail(report, ctx, locale, opts),
    renderWeb: (report, locale, opts) => renderReportWeb(report, ctx, locale, opts),
  },
  issueNumbers: dynamoIssueNumbers(dynamo, config.tables.reports),
  notifier: editorNotifier(mailer, config),
  mailer,
  editors: config.editors,
  receipts: dynamoUploadReceipts(dynamo, config.tables.reports),
  clock: systemClock,
  lang: config.defaultLocale,
  approvalRequired: config.approvalRequired,
};
// Two-person approval: approvals/<id>.json (only wired when APPROVAL_REQUIRED, see service-stack.ts).
const approveDeps = { ...deps, reports: dynamoApprovalStore(dynamo, config.tables.reports) };

/** Keys in S3 notifications are form-encoded (`+` is a space); a key that is not is used as is. */
export function decodeS3Key(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return key;
  }
}

export const handler = withTelemetry(
  async (event: S3Event): Promise<{ results: (AcceptOutcome | ApproveOutcome)[] }> => {
    const results: (AcceptOutcome | ApproveOutcome)[] = [];
    for (const record of event.Records ?? []) {
      const key = decodeS3Key(record.s3?.object?.key ?? '');
      if (!record.eventName?.startsWith('ObjectCreated:')) {
        results.push({ kind: 'ignored', key, reason: `event ${record.eventName}` });
        continue;
      }
      const uploaded = {
        bucket: record.s3.bucket.name,
        key,
        sequencer: record.s3.object.sequencer,
        eTag: record.s3.object.eTag,
        size: record.s3.object.size,
        principal: principalOf(record),
      };
      const outcome =
        config.approvalRequired && isApprovalKey(key)
          ? await approveReport(approveDeps, uploaded)
          : await acceptReport(deps, uploaded);
      logger.info('render: upload handled', { ...outcome });
      results.push(outcome);
    }
    return { results };
  },
);
