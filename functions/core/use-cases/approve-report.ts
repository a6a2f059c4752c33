/**
 * approveReport: the second editor's approval of a report waiting for one (two-person approval,
 * APPROVAL_REQUIRED). An approval is an object `approvals/<id>.json` put in the upload bucket
 * (`kawaraban report approve <id>` writes it), so who approved is what AWS says put it — the S3
 * event's principal — never a name the approver could choose. Editors need no write access to
 * the reports table, so one compromised editor account can upload, or approve, but not both.
 *
 * Steps:
 * 1. Keep only `approvals/<id>.json` of this bucket; skip an event already handled.
 * 2. Read the approval: `{ "contentHash": "<sha-256 of the version approved>" }`.
 * 3. Refuse, and tell the editors why, when: the approver is unknown; there is no such report;
 *    it is not AWAITING_APPROVAL; it was replaced since (another content hash); or the approver
 *    is the uploader.
 * 4. AWAITING_APPROVAL → SCHEDULED with who approved and when, in one conditional update on all
 *    of the above (a re-upload or a second approval landing meanwhile loses nothing); a lost race
 *    is read again and explained.
 * 5. Tell the editors it is scheduled and who approved; remember the event.
 */
import { NotUtf8Error } from '../text-decoding.ts';
import { createHash } from 'node:crypto';
import type { BlobStore, Clock } from '../ports.ts';
import { REPORT_ID_PATTERN, type ReportRecord } from '../report.ts';
import type { Locale } from '../subscriber.ts';
import { uploadMessages, type ApprovalRefusal } from '../upload-messages.ts';
import type { UploadedObject } from './accept-report.ts';
import type { EditorNotifier, UploadReceipts } from './sending-ports.ts';

export interface ApprovalStore {
  get(reportId: string): Promise<ReportRecord | null>;
  /**
   * AWAITING_APPROVAL → SCHEDULED, recording `approvedBy` and `approvedAt`, only while the report
   * still has this content hash and was not uploaded by `approver`; false otherwise.
   */
  approve(reportId: string, contentHash: string, approver: string, now: Date): Promise<boolean>;
}

export interface ApproveDeps {
  bucket: string;
  blobs: Pick<BlobStore, 'getText'>;
  reports: ApprovalStore;
  notifier: EditorNotifier;
  receipts: UploadReceipts;
  clock: Clock;
  lang: Locale;
}

export type ApproveOutcome =
  | { kind: 'ignored'; key: string; reason: string }
  | { kind: 'duplicate'; key: string }
  | { kind: 'refused'; key: string; reportId: string; reason: ApprovalRefusal }
  | { kind: 'approved'; key: string; reportId: string; approvedBy: string; sendAt: string };

const APPROVAL_KEY = /^approvals\/(.+)\.json$/;
const HASH = /^[0-9a-f]{64}$/;

/** What `kawaraban report approve` writes: the version the approver looked at. */
export interface ApprovalFile {
  contentHash: string;
}

export function isApprovalKey(key: string): boolean {
  return APPROVAL_KEY.test(key);
}

export async function approveReport(deps: ApproveDeps, obj: UploadedObject): Promise<ApproveOutcome> {
  const { key } = obj;
  // 1. Which objects count, and only once each.
  if (obj.bucket !== deps.bucket) return { kind: 'ignored', key, reason: 'another bucket' };
  const reportId = APPROVAL_KEY.exec(key)?.[1];
  if (!reportId || !REPORT_ID_PATTERN.test(reportId))
    return { kind: 'ignored', key, reason: 'not approvals/<id>.json' };
  const eventKey = createHash('sha256')
    .update([obj.bucket, key, obj.sequencer ?? '', obj.eTag ?? ''].join('\n'), 'utf8')
    .digest('hex');
  if (await deps.receipts.seen(eventKey)) return { kind: 'duplicate', key };
  const done = async <T extends ApproveOutcome>(outcome: T): Promise<T> => {
    await deps.receipts.remember(eventKey, deps.clock.now());
    return outcome;
  };
  const refuse = async (reason: ApprovalRefusal) => {
    const message = uploadMessages[deps.lang].approval[reason](reportId);
    await deps.notifier.notify({
      kind: 'rejected',
      reportId,
      sourceKey: key,
      issues: [{ path: '$', message }],
    });
    return done({ kind: 'refused', key, reportId, reason } as const);
  };

  // 2. The approval itself.
  const approved = await readApproval(deps, key);
  if (approved === 'gone') return { kind: 'ignored', key, reason: 'deleted before it was read' };
  if (!approved) return refuse('unreadable');
  const approver = obj.principal;
  if (!approver) return refuse('no-identity');

  // 3–4. Checked, then written on the same conditions.
  const now = deps.clock.now();
  for (let attempt = 0; attempt < 2; attempt++) {
    const report = await deps.reports.get(reportId);
    const problem = refusal(report, approved.contentHash, approver);
    if (problem) return refuse(problem);
    if (await deps.reports.approve(reportId, approved.contentHash, approver, now)) {
      // 5. Scheduled: the same notice as an acceptance without approval, naming the approver.
      const r = report!;
      const sendAt = r.sendAt ?? now.toISOString();
      await deps.notifier.notify({
        kind: 'accepted',
        reportId,
        title: r.title,
        sendAt,
        audience: r.counts.audience,
        approval: { approvedBy: approver },
      });
      return done({ kind: 'approved', key, reportId, approvedBy: approver, sendAt });
    }
  }
  throw new Error(`report ${reportId} kept changing while being approved; the event is retried`);
}

function refusal(report: ReportRecord | null, contentHash: string, approver: string): ApprovalRefusal | null {
  if (!report) return 'unknown-report';
  if (report.status !== 'AWAITING_APPROVAL') return 'not-awaiting';
  if (report.contentHash !== contentHash) return 'stale';
  if (report.uploadedBy === approver) return 'own-upload';
  return null;
}

async function readApproval(deps: ApproveDeps, key: string): Promise<ApprovalFile | null | 'gone'> {
  let text: string;
  try {
    text = await deps.blobs.getText(key);
  } catch (err) {
    if ((err as { name?: string }).name === 'NoSuchKey') return 'gone';
    if (err instanceof NotUtf8Error) return null; // not an approval `report approve` wrote
    throw err;
  }
  try {
    const value = JSON.parse(text) as unknown;
    const hash = (value as { contentHash?: unknown } | null)?.contentHash;
    return typeof hash === 'string' && HASH.test(hash) ? { contentHash: hash } : null;
  } catch {
    return null;
  }
}
