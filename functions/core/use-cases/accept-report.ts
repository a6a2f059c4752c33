/**
 * acceptReport: an editor's upload to the bucket (DESIGN §1, §4, §5 "render once").
 *
 * Steps:
 * 1. Keep only this bucket's uploads under `reports/` and `drafts/` (not folder markers); skip an
 *    event already handled. A name that does not end exactly in `.json` is rejected unread.
 * 2. Read the file, validate it (strict UTF-8, schema, "id equals the file name").
 * 3. Invalid → the report item becomes REJECTED with its issues (a report that is sending or
 *    sent is never touched), and the editors get every `path: reason`. Nothing is sent.
 * 4. A draft → render it as a proof and mail it to the editors only; nothing is recorded.
 * 5. A report → unless it can have reached a reader (SENDING, PAUSED, SENT, or
 *    CANCELED after sending began), give it an issue number unless it has one (第N号, kept across
 *    re-uploads), render it once per locale with that number and a fresh random stand-in for
 *    the unsubscribe token (report text cannot know it, so cannot place a token), store the
 *    output at rendered/<id>/<contentHash>.json, record it SCHEDULED (replacing an unsent
 *    version) — or, with two-person approval on, AWAITING_APPROVAL with who uploaded it, which
 *    the dispatcher never picks up (approve-report.ts moves it on) — and tell the editors when
 *    it goes out and to how many readers.
 * 6. Remember the event, so a repeated delivery of it does nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { parseReportBytes, type ReportIssue } from '../report-parse.ts';
import type { BlobStore, Clock, Mailer } from '../ports.ts';
import {
  isReplaceable,
  REPORT_ID_PATTERN,
  renderedKey,
  zeroCounts,
  type RenderedReport,
  type ReportRecord,
} from '../report.ts';
import type { Locale } from '../subscriber.ts';
import { uploadMessages } from '../upload-messages.ts';
import type {
  Audience,
  EditorNotifier,
  IssueNumbers,
  ReportRenderer,
  ReportStore,
  UploadReceipts,
} from './sending-ports.ts';

/** Stands in for the unsubscribe token in a proof: not a token, so the unsubscribe page refuses it. */
export const PROOF_TOKEN = 'proof';

export interface UploadedObject {
  bucket: string;
  /** Already URL-decoded. */
  key: string;
  /** S3's per-key event order stamp; with the ETag it identifies one upload. */
  sequencer?: string;
  eTag?: string;
  /** Bytes, from the event: a runaway upload is refused before it is read into memory. */
  size?: number;
  /** Who put it: the S3 event's `userIdentity.principalId` (without `AWS:`), attested by AWS. */
  principal?: string;
}

export interface AcceptDeps {
  bucket: string;
  blobs: BlobStore;
  reports: ReportStore;
  audience: Pick<Audience, 'countConfirmed'>;
  renderer: ReportRenderer;
  issueNumbers: IssueNumbers;
  notifier: EditorNotifier;
  mailer: Mailer;
  editors: string[];
  receipts: UploadReceipts;
  clock: Clock;
  /** The editors' language: validation messages and proofs. */
  lang: Locale;
  /** Two-person approval (APPROVAL_REQUIRED): a report waits for a second editor. */
  approvalRequired?: boolean;
}

export type AcceptOutcome =
  | { kind: 'ignored'; key: string; reason: string }
  | { kind: 'duplicate'; key: string }
  | { kind: 'rejected'; key: string; reportId: string | null; issues: number; recorded: boolean }
  | {
      kind: 'scheduled';
      key: string;
      reportId: string;
      sendAt: string;
      contentHash: string;
      audience: number;
    }
  | { kind: 'proof'; key: string; reportId: string; editors: number };

// `s`: a key may hold line terminators (U+2028, NEL), which `.` would not match.
const UPLOAD_KEY = /^(reports|drafts)\/(.+)$/s;
const JSON_SUFFIX = '.json';
/** Far above any real report (400 blocks of 5,000 characters is about 6 MB of Japanese UTF-8). */
export const MAX_UPLOAD_BYTES = 16 * 1024 * 1024;
const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

/**
 * A new stand-in for the unsubscribe token, per render: 128 random bits, so no report can contain
 * it (a report quoting an older, fixed placeholder reaches readers as the plain text it is).
 * Letters and digits only, like real tokens: it survives HTML escaping and `replaceAll` unchanged.
 */
export function newTokenPlaceholder(): string {
  return `KAWARABAN_UNSUBSCRIBE_${randomBytes(16).toString('hex')}`;
}

export async function acceptReport(deps: AcceptDeps, obj: UploadedObject): Promise<AcceptOutcome> {
  const { key } = obj;
  const msg = uploadMessages[deps.lang];

  // 1. Which uploads count, and only once each.
  if (obj.bucket !== deps.bucket) return { kind: 'ignored', key, reason: 'another bucket' };
  const m = UPLOAD_KEY.exec(key);
  if (!m) return { kind: 'ignored', key, reason: 'not under reports/ or drafts/' };
  // The S3 console's "Create folder" writes an empty object whose key ends in a slash.
  if (key.endsWith('/')) return { kind: 'ignored', key, reason: 'a folder marker' };
  const prefix = `${m[1]}/`;
  const isDraft = m[1] === 'drafts';
  const eventKey = sha256([obj.bucket, key, obj.sequencer ?? '', obj.eTag ?? ''].join('\n'));
  if (await deps.receipts.seen(eventKey)) return { kind: 'duplicate', key };
  const done = async <T extends AcceptOutcome>(outcome: T): Promise<T> => {
    await deps.receipts.remember(eventKey, deps.clock.now());
    return outcome;
  };
  // `.JSON`, `.json.txt` (Windows hiding the real suffix) or none: never silently ignored.
  if (!m[2]!.endsWith(JSON_SUFFIX)) {
    const issues = [{ path: '$', message: msg.badSuffix(m[2]!, prefix) }];
    await deps.notifier.notify({ kind: 'rejected', reportId: null, sourceKey: key, issues });
    return done({ kind: 'rejected', key, reportId: null, issues: 1, recorded: false });
  }
  const fileName = m[2]!.slice(0, -JSON_SUFFIX.length);
  const fileId = REPORT_ID_PATTERN.test(fileName) ? fileName : null;
  if (obj.size !== undefined && obj.size > MAX_UPLOAD_BYTES) {
    const issues = [{ path: '$', message: msg.tooLarge(obj.size, MAX_UPLOAD_BYTES) }];
    await deps.notifier.notify({ kind: 'rejected', reportId: null, sourceKey: key, issues });
    return done({ kind: 'rejected', key, reportId: null, issues: 1, recorded: false });
  }

  // 2. Read and validate.
  let bytes: Uint8Array;
  try {
    bytes = await deps.blobs.getBytes(key);
  } catch (err) {
    if ((err as { name?: string }).name === 'NoSuchKey')
      return { kind: 'ignored', key, reason: 'deleted before it was read' };
    throw err;
  }
  const contentHash = sha256(bytes);
  const parsed = parseReportBytes(bytes, deps.lang);
  const issues: ReportIssue[] = [];
  if (fileName.includes('/')) issues.push({ path: '$', message: msg.nested(prefix) });
  else if (!fileId) issues.push({ path: '$', message: msg.badFileName(`${fileName}.json`) });
  if (parsed.ok) {
    if (fileId && parsed.report.id !== fileId)
      issues.push({ path: '$.id', message: msg.idMismatch(parsed.report.id, `${fileName}.json`) });
  } else {
    issues.push(...parsed.issues);
  }

  // 3. Invalid.
  if (!parsed.ok || issues.length > 0) {
    const recorded = !isDraft && !!fileId && (await recordRejected(deps, fileId, key, contentHash, issues));
    await deps.notifier.notify({ kind: 'rejected', reportId: fileId, sourceKey: key, issues });
    return done({ kind: 'rejected', key, reportId: fileId, issues: issues.length, recorded });
  }
  const report = parsed.report;

  // 4. A draft: a proof for the editors.
  if (isDraft) {
    const placeholder = newTokenPlaceholder();
    const proof = await deps.renderer.render(report, deps.lang, { proof: true, placeholder });
    const unlink = (s: string) => s.replaceAll(placeholder, PROOF_TOKEN);
    await Promise.all(
      deps.editors.map((to) =>
        deps.mailer.send({
          to,
          subject: proof.subject,
          html: unlink(proof.html),
          text: unlink(proof.text),
          tags: { kind: 'editor' },
        }),
      ),
    );
    return done({ kind: 'proof', key, reportId: report.id, editors: deps.editors.length });
  }

  // 5. A report to send.
  const existing = await deps.reports.get(report.id);
  if (existing && !isReplaceable(existing))
    return done(await refuseReplacement(deps, key, report.id, existing));
  const placeholder = newTokenPlaceholder();
  // A number lost to a refused write below is a gap, never a duplicate.
  const issueNumber = existing?.issueNumber ?? (await deps.issueNumbers.next());
  const rendered: RenderedReport = {
    reportId: report.id,
    contentHash,
    placeholder,
    locales: {
      ja: await deps.renderer.render(report, 'ja', { placeholder, issueNumber }),
      en: await deps.renderer.render(report, 'en', { placeholder, issueNumber }),
    },
    ...(report.archive === false
      ? {}
      : {
          web: {
            ja: await deps.renderer.renderWeb(report, 'ja', { issueNumber }),
            en: await deps.renderer.renderWeb(report, 'en', { issueNumber }),
          },
        }),
  };
  const outputKey = renderedKey(report.id, contentHash);
  await deps.blobs.putText(outputKey, JSON.stringify(rendered), 'application/json');
  const now = deps.clock.now();
  const sendAt = (report.sendAt ? new Date(report.sendAt) : now).toISOString();
  const audience = await deps.audience.countConfirmed();
  const record: ReportRecord = {
    reportId: report.id,
    status: deps.approvalRequired ? 'AWAITING_APPROVAL' : 'SCHEDULED',
    ...(obj.principal ? { uploadedBy: obj.principal } : {}),
    title: report.title,
    issuedOn: report.issuedOn,
    issueNumber,
    ...(report.archive === false ? { archive: false as const } : {}),
    ...(report.canary === undefined ? {} : { canaryRequested: report.canary }),
    sendAt,
    contentHash,
    sourceKey: key,
    renderedKey: outputKey,
    counts: { ...zeroCounts(), audience },
    createdAt: existing?.createdAt ?? now.toISOString(),
    updatedAt: now.toISOString(),
  };
  const put = await deps.reports.replace(record);
  // The dispatcher may have started it between our read and our write.
  if (!put.ok) return done(await refuseReplacement(deps, key, report.id, put));
  await deps.notifier.notify({
    kind: 'accepted',
    reportId: report.id,
    title: report.title,
    sendAt,
    audience,
    ...(deps.approvalRequired ? { approval: { awaited: true } as const } : {}),
  });
  return done({ kind: 'scheduled', key, reportId: report.id, sendAt, contentHash, audience });
}

async function recordRejected(
  deps: AcceptDeps,
  reportId: string,
  key: string,
  contentHash: string,
  issues: ReportIssue[],
) {
  const now = deps.clock.now().toISOString();
  const existing = await deps.reports.get(reportId);
  const put = await deps.reports.replace({
    reportId,
    status: 'REJECTED',
    title: existing?.title ?? '',
    issuedOn: existing?.issuedOn ?? '',
    // A rejected re-upload keeps the number, for the corrected one that follows.
    ...(existing?.issueNumber ? { issueNumber: existing.issueNumber } : {}),
    contentHash,
    sourceKey: key,
    counts: zeroCounts(),
    // Enough to act on; the notice lists them all.
    errors: issues.slice(0, 100),
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  });
  return put.ok;
}

async function refuseReplacement(
  deps: AcceptDeps,
  key: string,
  reportId: string,
  current: Pick<ReportRecord, 'status' | 'startedAt'>,
): Promise<AcceptOutcome> {
  const m = uploadMessages[deps.lang];
  const message =
    current.status === 'CANCELED' && current.startedAt
      ? m.canceledAfterStart(reportId)
      : m.notReplaceable(reportId, current.status);
  const issues = [{ path: '$.id', message }];
  await deps.notifier.notify({ kind: 'rejected', reportId, sourceKey: key, issues });
  return { kind: 'rejected', key, reportId, issues: 1, recorded: false };
}
