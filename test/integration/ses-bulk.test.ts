/**
 * Newsletters sent in bulk (one SendBulkEmail per part for a group of readers: ses-mailer.ts
 * sendBulk, ses-bulk.ts), against the SES emulator, which renders each entry with Handlebars and
 * merges its headers over the template's by name, as SES does: each reader's mail is the one a
 * Simple send of the same message gives; an entry SES refuses costs only that reader; a template
 * missing at the call costs a second request, never a lost or doubled mail.
 */
import { describe, expect, it } from 'vitest';
import type { SesV2 } from '../../functions/adapters/aws/sesv2-port.ts';
import { sendingSesClient } from '../../functions/adapters/aws/sesv2-sending.ts';
import { sesMailer } from '../../functions/adapters/ses-mailer.ts';
import { reportTemplate } from '../../functions/adapters/ses-template.ts';
import type { BulkOutcome } from '../../functions/core/ports.ts';
import { classifySendError } from '../../functions/core/send-errors.ts';
import { sentTo } from '../helpers/inbox.ts';
import { faultySes, sesError } from '../helpers/ses-faults.ts';
import { address, message, part, same } from '../helpers/template-messages.ts';

const from = { from: 'news@example.jp', configurationSet: 'kawaraban' };

/** The real client, recording each request: `bulk:n` for a SendBulkEmail of n entries, else the SendEmail's content kind. */
function recorded(real: SesV2 = sendingSesClient()) {
  const requests: string[] = [];
  const client: SesV2 = {
    ...real,
    sendEmail: (input, options) => {
      requests.push(input.Content?.Template ? 'Template' : 'Simple');
      return real.sendEmail(input, options);
    },
    sendBulkEmail: (input, options) => {
      requests.push(`bulk:${input.BulkEmailEntries?.length}`);
      return real.sendBulkEmail(input, options);
    },
  };
  return { client, requests };
}

const sentOk = (o: BulkOutcome | undefined) => o !== undefined && 'messageId' in o;

describe('newsletters sent in bulk', () => {
  it('one SendBulkEmail per part, a part that cannot be a template alone; each mail as its Simple twin', async () => {
    const [a, b, odd] = [part(' bulk-a'), part(' bulk-b'), part(' {{7*7}}')];
    const plan = [
      ...[1, 2, 3, 4].map((i) => ({ p: a, token: `a${i}` })),
      ...[1, 2, 3].map((i) => ({ p: b, token: `b${i}` })),
      { p: odd, token: 'odd' },
    ].map((x) => ({ ...x, to: address('bulk'), twin: address('twin') }));
    const { client, requests } = recorded();
    const mailer = sesMailer(client, { ...from, templates: true });
    let admitted = 0;
    let written = 0;
    const outcomes = await mailer.sendBulk!(
      plan.map((x) => message(x.p, x.to, x.token)),
      {
        admit: () => {
          admitted++;
          return 0;
        },
        written: () => written++,
      },
    );
    expect(outcomes.every(sentOk)).toBe(true);
    expect(requests.sort()).toEqual(['Simple', 'bulk:3', 'bulk:4']);
    // Three requests, admitted as one: the caller counted the whole group once.
    expect(admitted).toBe(1);
    expect(written).toBe(1);
    const simple = sesMailer(sendingSesClient(), from);
    for (const x of plan) await simple.send(message(x.p, x.twin, x.token));
    for (const x of plan) {
      const [[got], [want]] = await Promise.all([sentTo(x.to), sentTo(x.twin)]);
      expect(got, x.to).toBeTruthy();
      same(got!, want!);
      expect(got!.body.text).toContain(`u?t=${x.token}`);
      expect(await sentTo(x.to)).toHaveLength(1);
    }
  });

  it('an entry SES refuses costs only its reader', async () => {
    const p = part(' bulk-invalid');
    const tos = [address('ok'), 'not an address', address('ok')];
    const mailer = sesMailer(sendingSesClient(), { ...from, templates: true });
    const outcomes = await mailer.sendBulk!(tos.map((to, i) => message(p, to, `v${i}`)));
    expect(outcomes.map(sentOk)).toEqual([true, false, true]);
    expect(classifySendError((outcomes[1] as { error: unknown }).error)).toMatchObject({
      kind: 'permanent',
      reason: 'BulkEntryFailed: Invalid recipient email address(es) (FAILED)',
    });
    for (const to of [tos[0]!, tos[2]!]) expect(await sentTo(to)).toHaveLength(1);
  });

  it('a template deleted before the call: every reader goes once as Simple, admitted again, and the next call makes it anew', async () => {
    const p = part(' bulk-deleted');
    const { client, requests } = recorded();
    const mailer = sesMailer(client, { ...from, templates: true });
    const first = [address('d'), address('d')];
    await mailer.sendBulk!(first.map((to, i) => message(p, to, `f${i}`)));
    const m = message(p, first[0]!, 'x');
    await sendingSesClient().deleteEmailTemplate(reportTemplate(m.subject, m.fill!)!.name);
    const second = [address('d'), address('d'), address('d')];
    let admitted = 0;
    const outcomes = await mailer.sendBulk!(
      second.map((to, i) => message(p, to, `s${i}`)),
      {
        admit: () => {
          admitted++;
          return 0;
        },
      },
    );
    expect(outcomes.every(sentOk)).toBe(true);
    expect(admitted).toBe(2);
    const third = [address('d'), address('d')];
    await mailer.sendBulk!(third.map((to, i) => message(p, to, `t${i}`)));
    expect(requests).toEqual(['bulk:2', 'bulk:3', 'Simple', 'Simple', 'Simple', 'bulk:2']);
    for (const to of [...first, ...second, ...third]) expect(await sentTo(to), to).toHaveLength(1);
    expect((await sentTo(second[1]!))[0]!.body.text).toContain('u?t=s1');
  });

  it('a reader alone in its part whose template is missing goes again as Simple, and that second request is admitted too', async () => {
    const [a, b] = [part(' bulk-pair'), part(' bulk-alone')];
    const { client, requests } = recorded();
    const mailer = sesMailer(client, { ...from, templates: true });
    const lone = message(b, address('lone'), 'l0');
    await mailer.send(lone);
    await sendingSesClient().deleteEmailTemplate(reportTemplate(lone.subject, lone.fill!)!.name);
    const tos = [address('pair'), address('pair'), address('lone')];
    let admitted = 0;
    const outcomes = await mailer.sendBulk!(
      [message(a, tos[0]!, 'p0'), message(a, tos[1]!, 'p1'), message(b, tos[2]!, 'l1')],
      {
        admit: () => {
          admitted++;
          return 0;
        },
      },
    );
    expect(outcomes.every(sentOk)).toBe(true);
    expect(requests.slice(1).sort()).toEqual(['Simple', 'Template', 'bulk:2']);
    expect(admitted).toBe(2);
    for (const to of tos) expect(await sentTo(to), to).toHaveLength(1);
  });

  it('entries answered TEMPLATE_NOT_FOUND go again as Simple; the others stay sent once', async () => {
    const p = part(' bulk-entry-missing');
    const tos = [address('e'), address('e'), address('e'), address('e')];
    // Answered for one entry of the bulk call only (its Simple send goes through).
    const { ses } = faultySes(sendingSesClient(), (_n, input) =>
      input.Content?.Template && input.Destination?.ToAddresses?.[0] === tos[2]
        ? sesError('TemplateNotFound', 'Template does not exist')
        : undefined,
    );
    const { client, requests } = recorded(ses);
    const outcomes = await sesMailer(client, { ...from, templates: true }).sendBulk!(
      tos.map((to, i) => message(p, to, `e${i}`)),
    );
    expect(outcomes.every(sentOk)).toBe(true);
    expect(requests).toEqual(['bulk:4', 'Simple']);
    for (const to of tos) expect(await sentTo(to), to).toHaveLength(1);
  });

  it('a whole call refused is every reader’s answer, and nothing else is tried', async () => {
    const p = part(' bulk-throttled');
    const tos = [address('w'), address('w')];
    const { ses } = faultySes(sendingSesClient(), () => undefined, {
      bulk: () => sesError('TooManyRequestsException', 'Maximum sending rate exceeded.', 429),
    });
    const { client, requests } = recorded(ses);
    const outcomes = await sesMailer(client, { ...from, templates: true }).sendBulk!(
      tos.map((to, i) => message(p, to, `w${i}`)),
    );
    expect(outcomes.map((o) => classifySendError((o as { error: unknown }).error).kind)).toEqual([
      'throttle',
      'throttle',
    ]);
    expect(requests).toEqual(['bulk:2']);
    for (const to of tos) expect(await sentTo(to)).toHaveLength(0);
  });
});
