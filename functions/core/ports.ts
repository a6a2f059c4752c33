import type { RenderedReport } from './report.ts';
/**
 * Ports shared by several use cases. Stores specific to one flow are declared beside
 * the use case that needs them (functions/core/use-cases/*).
 */

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface MailHeader {
  name: string;
  value: string;
}

export interface OutgoingEmail {
  to: string;
  subject: string;
  html: string;
  text: string;
  headers?: MailHeader[];
  /** SES message tags (alphanumerics, '_' and '-' only); events carry them back to us. */
  tags?: Record<string, string>;
  /**
   * Where `html` and `text` come from, when they are a rendered part with one value in place of
   * its placeholder: a mailer may encode the part once and reuse it for every reader.
   */
  fill?: PersonalisedBody;
}

/** `html` and `text` are `part`'s with every `placeholder` replaced by `value`. */
export interface PersonalisedBody {
  /** The same object for every reader of a part (a mailer may cache by it). */
  readonly part: { readonly html: string; readonly text: string };
  readonly placeholder: string;
  readonly value: string;
}

export interface SendOptions {
  /**
   * Asks whether the message may start now: 0 means yes (and it is counted as started); else a
   * promise that resolves when to ask again (the caller's clock decides how long). A mailer asks
   * as late as it can, right before it writes the request, and writes it in the same synchronous
   * step as a 0, so that what the caller paces is what SES receives (an await between the two
   * would queue the write behind other work of the event loop).
   */
  admit?: () => 0 | Promise<void>;
  /**
   * Called once the admitted request has been handed to its socket (as near as the mailer can
   * tell), so the caller counts the send where it really started: Node writes a request made in
   * a promise job only after the other pending jobs have run, which a busy process delays.
   */
  written?: () => void;
}

/** What became of one message of a `sendBulk`: accepted, or refused with an error named as a SendEmail's would be. */
export type BulkOutcome = { messageId: string } | { error: unknown };

export interface Mailer {
  send(message: OutgoingEmail, opts?: SendOptions): Promise<{ messageId: string }>;
  /**
   * Sends several messages admitted as one (`opts.admit` counts them all, once), in as few
   * requests as the mailer can (SES SendBulkEmail): one outcome per message, in order. A throw
   * means the whole call's answer is unknown or refused alike for every message.
   */
  sendBulk?(messages: OutgoingEmail[], opts?: SendOptions): Promise<BulkOutcome[]>;
  /** The most messages one `sendBulk` takes. */
  readonly bulkLimit?: number;
  /**
   * The report is sent: whatever the mailer keeps for its rendered parts (SES templates) can go.
   * Another report with the same content may still be sending by it; its mailer makes it again.
   */
  retire?(rendered: RenderedReport): Promise<void>;
}

export interface SendQuota {
  maxSendRate: number;
  max24HourSend: number;
  sentLast24Hours: number;
  sendingEnabled: boolean;
}

export interface QuotaSource {
  getQuota(): Promise<SendQuota>;
}

/** Object storage for report sources and rendered output. */
export interface BlobStore {
  /** The object's bytes, as stored. */
  getBytes(key: string): Promise<Uint8Array>;
  /** The object as UTF-8 text; throws NotUtf8Error (text-decoding.ts) when it is not UTF-8. */
  getText(key: string): Promise<string>;
  putText(key: string, body: string, contentType: string): Promise<void>;
  /** Every object whose key starts with `prefix`, with its ETag (which changes when it is rewritten). */
  list(prefix: string): Promise<BlobListing[]>;
}

export interface BlobListing {
  key: string;
  etag: string;
}
