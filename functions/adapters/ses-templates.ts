/**
 * The SES templates a mailer sends newsletters with (ses-template.ts says what a template is):
 * each is created the first time a part is sent, and then named by every send of that part.
 *
 * Nothing here can lose or double a message. A template that is missing when a send names it
 * (never created: the creation failed or was throttled; or deleted since) makes SES refuse that
 * send with a 404, so it went nowhere: the mailer sends the same message as Simple content. The
 * template is created again at the next send, and if it is missing again right after that, only
 * after `retryAfterMs` (meanwhile every send of it goes as Simple).
 */
import type { SendBulkEmailRequest, SendEmailRequest } from '@aws-sdk/client-sesv2';
import type { BulkOutcome, OutgoingEmail, SendOptions } from '../core/ports.ts';
import type { RenderedReport } from '../core/report.ts';
import type { SesV2 } from './aws/sesv2-port.ts';
import { bulkOutcomes, bulkRequest, isTemplateNotFound } from './ses-bulk.ts';
import { head, type SendEmailFrom } from './ses-send-body.ts';
import { type ReportTemplate, reportTemplate, templateData } from './ses-template.ts';

/** One send's templated input, and the creation it relies on. */
export interface TemplatedSend {
  name: string;
  input: SendEmailRequest;
  creation: Promise<void>;
}

/** One SendBulkEmail: the messages (by their index in the caller's list) of one template. */
export interface TemplatedBulk {
  name: string;
  indices: number[];
  input: SendBulkEmailRequest;
  creation: Promise<void>;
}

interface TemplateState {
  /** The creation asked for (settled: made, already there, or failed; a send tells which). */
  creation?: Promise<void>;
  /** Sends refused as missing since the last one that went through. */
  missing: number;
  /** Until when (clock ms) sends go as Simple. */
  retryAt: number;
  /** How the last creation failed, if it did (an AlreadyExists is a failure that leaves it there). */
  creationError?: string;
}

/** Where a template's trouble is told (the template's name is a hash: nothing personal). */
export type TemplateLog = (message: string, fields: Record<string, unknown>) => void;

const isMissing = (err: unknown) =>
  (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode === 404;

export class SesTemplates {
  private readonly states = new Map<string, TemplateState>();

  private readonly now: () => number;
  private readonly retryAfterMs: number;
  /** Told when a send finds its template missing (with how its creation failed): a cost an operator should see. */
  private readonly warn: TemplateLog;

  constructor(
    private readonly client: SesV2,
    opts: { now?: () => number; retryAfterMs?: number; warn?: TemplateLog } = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.retryAfterMs = opts.retryAfterMs ?? 60_000;
    this.warn = opts.warn ?? (() => undefined);
  }

  /** The message's template (created if need be) and data, or undefined: send it as Simple content. */
  private async ready(msg: OutgoingEmail) {
    const fill = msg.fill;
    const data = fill && templateData(fill.value);
    const template = data && reportTemplate(msg.subject, fill);
    if (!template) return undefined;
    const state = this.state(template.name);
    if (this.now() < state.retryAt) return undefined;
    state.creation ??= this.create(template);
    const creation = state.creation;
    await creation;
    return { name: template.name, data, creation };
  }

  /** The message as a templated send, or undefined: send it as Simple content. */
  async input(sender: SendEmailFrom, msg: OutgoingEmail): Promise<TemplatedSend | undefined> {
    const ready = await this.ready(msg);
    if (!ready) return undefined;
    const { name, data, creation } = ready;
    return {
      name,
      creation,
      input: {
        ...head(sender, msg),
        Content: {
          Template: {
            TemplateName: name,
            TemplateData: data,
            Headers: msg.headers?.map((h) => ({ Name: h.name, Value: h.value })),
          },
        },
      },
    };
  }

  /**
   * The messages as SendBulkEmail requests, one per template with more than one reader here
   * (at most 50 entries each, which the caller's group never passes); `alone`: the others, to
   * send one by one.
   */
  async bulkInputs(
    sender: SendEmailFrom,
    msgs: readonly OutgoingEmail[],
  ): Promise<{ bulks: TemplatedBulk[]; alone: number[] }> {
    const readies = await Promise.all(msgs.map((m) => this.ready(m)));
    const byName = new Map<string, number[]>();
    const alone: number[] = [];
    readies.forEach((r, i) => {
      if (!r) alone.push(i);
      else byName.set(r.name, [...(byName.get(r.name) ?? []), i]);
    });
    const bulks: TemplatedBulk[] = [];
    for (const [name, indices] of byName) {
      if (indices.length === 1) {
        alone.push(indices[0]!);
        continue;
      }
      const entries = indices.map((i) => ({ msg: msgs[i]!, data: readies[i]!.data }));
      bulks.push({
        name,
        indices,
        input: bulkRequest(sender, name, entries),
        creation: readies[indices[0]!]!.creation,
      });
    }
    return { bulks, alone };
  }

  /**
   * Sends one SendBulkEmail; undefined when SES has no such template (nothing was sent). An entry
   * answered TEMPLATE_NOT_FOUND was not sent either: the caller sends it as Simple content.
   */
  async sendBulk(t: TemplatedBulk, options?: SendOptions): Promise<BulkOutcome[] | undefined> {
    let outcomes: BulkOutcome[];
    try {
      const out = await this.client.sendBulkEmail(t.input, {
        beforeWrite: options?.admit,
        written: options?.written,
      });
      outcomes = bulkOutcomes(out.BulkEmailEntryResults, t.indices.length);
    } catch (err) {
      if (!isMissing(err)) throw err;
      this.missed(t);
      return undefined;
    }
    if (outcomes.some(isTemplateNotFound)) this.missed(t);
    else this.state(t.name).missing = 0;
    return outcomes;
  }

  /** Sends it; undefined when SES has no such template (nothing was sent). */
  async send(t: TemplatedSend, options?: SendOptions): Promise<{ messageId: string } | undefined> {
    const state = this.state(t.name);
    try {
      const out = await this.client.sendEmail(t.input, {
        beforeWrite: options?.admit,
        written: options?.written,
      });
      if (!out.MessageId) throw new Error('SES returned no MessageId');
      state.missing = 0;
      return { messageId: out.MessageId };
    } catch (err) {
      if (!isMissing(err)) throw err;
      this.missed(t);
      return undefined;
    }
  }

  /** A send found its template missing: created again at the next send, or after a wait if it was missing just before. */
  private missed(t: { name: string; creation: Promise<void> }): void {
    const state = this.state(t.name);
    // Sends in flight on the same creation learn it together: count it once.
    if (state.creation !== t.creation) return;
    state.creation = undefined;
    if (++state.missing > 1) state.retryAt = this.now() + this.retryAfterMs;
    this.warn('ses template missing: sent as Simple content', {
      template: t.name,
      missesInARow: state.missing,
      simpleForMs: state.missing > 1 ? this.retryAfterMs : 0,
      creationError: state.creationError ?? 'none',
    });
  }

  /** Deletes the templates of a sent report's parts (one already gone is no error). */
  async retire(rendered: RenderedReport): Promise<void> {
    for (const part of Object.values(rendered.locales)) {
      const template = reportTemplate(part.subject, { part, placeholder: rendered.placeholder });
      if (!template) continue;
      this.states.delete(template.name);
      await this.client.deleteEmailTemplate(template.name).catch((err: unknown) => {
        if (!isMissing(err)) throw err;
      });
    }
  }

  private state(name: string): TemplateState {
    let s = this.states.get(name);
    if (!s) {
      s = { missing: 0, retryAt: 0 };
      this.states.set(name, s);
    }
    return s;
  }

  private create(template: ReportTemplate): Promise<void> {
    // Made here, already there (another worker or run made it) or failed: the sends tell.
    const state = this.state(template.name);
    return this.client
      .createEmailTemplate({ TemplateName: template.name, TemplateContent: template.content })
      .then(
        () => {
          state.creationError = undefined;
        },
        (err: unknown) => {
          // Usually another worker or run made it first; if not, the next send tells (and logs this).
          state.creationError = err instanceof Error ? err.name : 'unknown';
        },
      );
  }
}
