/**
 * Newsletters sent by naming their part's SES template (functions/adapters/ses-templates.ts),
 * against the SES emulator (which renders templates with Handlebars, as SES does): the mail is
 * the one a Simple send of the same message gives, a part that cannot be a template goes as
 * Simple, and a template missing when a send names it (deleted, or never created) costs that
 * send a second request but never a lost or doubled mail.
 */
import type { SendEmailRequest } from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import type { SesV2 } from '../../functions/adapters/aws/sesv2-port.ts';
import { sendingSesClient } from '../../functions/adapters/aws/sesv2-sending.ts';
import { sesMailer } from '../../functions/adapters/ses-mailer.ts';
import { SesTemplates } from '../../functions/adapters/ses-templates.ts';
import { reportTemplate } from '../../functions/adapters/ses-template.ts';
import { sesError } from '../helpers/ses-faults.ts';
import { sentTo } from '../helpers/inbox.ts';
import { address, message, part, PH, same } from '../helpers/template-messages.ts';

/** The real client, recording each SendEmail's content kind and template creations; creations fail while `failCreate`. */
function recorded() {
  const real = sendingSesClient();
  const sends: ('Template' | 'Simple' | 'other')[] = [];
  const inputs: SendEmailRequest[] = [];
  const state = { creations: 0, failCreate: false };
  const client: SesV2 = {
    ...real,
    sendEmail: (input, options) => {
      inputs.push(input);
      sends.push(input.Content?.Template ? 'Template' : input.Content?.Simple ? 'Simple' : 'other');
      return real.sendEmail(input, options);
    },
    createEmailTemplate: async (input) => {
      state.creations++;
      // What no emulator does: CreateEmailTemplate is limited to one call a second on SES.
      if (state.failCreate) throw sesError('TooManyRequestsException', 'Too many requests', 429);
      return real.createEmailTemplate(input);
    },
  };
  return { client, sends, inputs, state, real };
}

describe('newsletters sent by template', () => {
  it('arrive exactly as the same message sent Simple, from a request ~1 KB instead of the whole part', async () => {
    const p = part();
    const { client, sends, inputs } = recorded();
    const templated = sesMailer(client, {
      from: 'news@example.jp',
      configurationSet: 'kawaraban',
      templates: true,
    });
    const simple = sesMailer(sendingSesClient(), { from: 'news@example.jp', configurationSet: 'kawaraban' });
    const [a, b] = [address('t'), address('s')];
    const token = 'Tok_en-0123456789abcdefABCDEF';
    await templated.send(message(p, a, token));
    await simple.send(message(p, b, token));
    expect(sends).toEqual(['Template']);
    expect(Buffer.byteLength(JSON.stringify(inputs[0]))).toBeLessThan(1024);
    const [[got], [want]] = await Promise.all([sentTo(a), sentTo(b)]);
    expect(got && want).toBeTruthy();
    same(got!, want!);
    expect(got!.body.html).toContain(`u?t=${token}`);
  });

  it('go as Simple when the part cannot be a template, and arrive the same', async () => {
    for (const [what, p] of [
      ['"{{" in the body (a quoted template-injection payload)', part(' {{7*7}}')],
      ['a brace against the placeholder', { html: `<p>{${PH}}</p>`, text: PH }],
    ] as const) {
      const { client, sends } = recorded();
      const to = address('refused');
      await sesMailer(client, { from: 'news@example.jp', templates: true }).send(message(p, to, 'abc'));
      expect(sends, what).toEqual(['Simple']);
      const [mail] = await sentTo(to);
      expect(mail!.body.html).toBe(p.html.replaceAll(PH, 'abc'));
    }
    // A token Handlebars would not leave as it is goes Simple too.
    const { client, sends } = recorded();
    const to = address('token');
    await sesMailer(client, { from: 'news@example.jp', templates: true }).send(message(part(), to, 'a&b'));
    expect(sends).toEqual(['Simple']);
    expect((await sentTo(to))[0]!.body.text).toContain('u?t=a&b');
  });

  it('a template deleted mid-send: the sends in flight go Simple once each, the next re-creates it', async () => {
    const p = part(' deleted');
    const { client, sends, state, real } = recorded();
    const warnings: Record<string, unknown>[] = [];
    const warn = (message: string, fields: Record<string, unknown>) => warnings.push({ message, ...fields });
    const mailer = sesMailer(client, { from: 'news@example.jp', templates: true, warn });
    const first = address('del');
    await mailer.send(message(p, first, 't1'));
    await real.deleteEmailTemplate(
      reportTemplate(message(p, first, 't1').subject, message(p, first, 't1').fill!)!.name,
    );
    const inFlight = [address('del'), address('del'), address('del')];
    await Promise.all(inFlight.map((to, i) => mailer.send(message(p, to, `t${i + 2}`))));
    const after = address('del');
    await mailer.send(message(p, after, 't9'));
    for (const to of [first, ...inFlight, after]) expect(await sentTo(to), to).toHaveLength(1);
    // Three refused as missing, each sent again as Simple; then one creation and a templated send.
    expect(sends).toEqual([
      'Template',
      'Template',
      'Template',
      'Template',
      'Simple',
      'Simple',
      'Simple',
      'Template',
    ]);
    expect(state.creations).toBe(2);
    // Told once for the three, with nothing wrong at its creation: someone deleted it.
    expect(warnings).toEqual([
      expect.objectContaining({ missesInARow: 1, simpleForMs: 0, creationError: 'none' }),
    ]);
    expect(JSON.stringify(warnings)).not.toMatch(/@|t[1-9]\b/);
  });

  it('a creation that keeps failing: after the second miss every send goes Simple until the wait is over', async () => {
    const p = part(' throttled');
    const { client, sends, state } = recorded();
    state.failCreate = true;
    let now = 1_000_000;
    const warnings: Record<string, unknown>[] = [];
    const templates = new SesTemplates(client, {
      now: () => now,
      retryAfterMs: 60_000,
      warn: (message, fields) => warnings.push({ message, ...fields }),
    });
    const mailer = sesMailer(client, { from: 'news@example.jp', templates });
    const tos = Array.from({ length: 5 }, () => address('fail'));
    await mailer.send(message(p, tos[0]!, 'a1'));
    await mailer.send(message(p, tos[1]!, 'a2'));
    await mailer.send(message(p, tos[2]!, 'a3'));
    expect(sends).toEqual(['Template', 'Simple', 'Template', 'Simple', 'Simple']);
    expect(state.creations).toBe(2);
    // What an operator sees: each miss, why its creation failed, and the minute of Simple sends.
    expect(warnings).toEqual([
      expect.objectContaining({ missesInARow: 1, simpleForMs: 0, creationError: 'TooManyRequestsException' }),
      expect.objectContaining({
        missesInARow: 2,
        simpleForMs: 60_000,
        creationError: 'TooManyRequestsException',
      }),
    ]);
    // The wait over and creations working again: templated from the next send.
    now += 60_000;
    state.failCreate = false;
    await mailer.send(message(p, tos[3]!, 'a4'));
    await mailer.send(message(p, tos[4]!, 'a5'));
    expect(sends.slice(5)).toEqual(['Template', 'Template']);
    expect(state.creations).toBe(3);
    for (const to of tos) expect(await sentTo(to), to).toHaveLength(1);
  });

  it('two workers on one part: the second finds the template made and sends by it', async () => {
    const p = part(' workers');
    const one = recorded();
    const two = recorded();
    const [a, b] = [address('w1'), address('w2')];
    await sesMailer(one.client, { from: 'news@example.jp', templates: true }).send(message(p, a, 'w1'));
    await sesMailer(two.client, { from: 'news@example.jp', templates: true }).send(message(p, b, 'w2'));
    expect([...one.sends, ...two.sends]).toEqual(['Template', 'Template']);
    expect((await sentTo(a))[0]!.body.text).toContain('u?t=w1');
    expect((await sentTo(b))[0]!.body.text).toContain('u?t=w2');
  });
});
