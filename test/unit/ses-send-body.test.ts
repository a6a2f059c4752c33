/**
 * A newsletter's SendEmail body from pieces encoded once (ses-send-body.ts) is, byte for byte,
 * what encoding the whole input gives: on arbitrary text (lone surrogates, quotes, backslashes,
 * control and line-separator characters, astral letters), placeholders anywhere (first, last,
 * side by side, none), with or without tags, headers and configuration set. A placeholder or
 * token that JSON would escape is not spliced: the client encodes the input itself.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sendEmailBody, sendEmailInput } from '../../functions/adapters/ses-send-body.ts';
import type { OutgoingEmail } from '../../functions/core/ports.ts';
import { newTokenPlaceholder } from '../../functions/core/use-cases/accept-report.ts';
import { personalise } from '../../functions/core/use-cases/personalise.ts';

const PLACEHOLDER = 'KAWARABAN_UNSUBSCRIBE_TOKEN';

/** One UTF-16 unit or code point, weighted towards what JSON escapes and what breaks naive splits. */
const char = fc.oneof(
  fc.constantFrom(
    '\ud800',
    '\udfff',
    '"',
    '\\',
    '\n',
    '\r',
    '\t',
    '\u0000',
    '\u001f',
    '\u2028',
    '\u007f',
    '😀',
    '𠮷',
    '瓦',
    'a',
    PLACEHOLDER,
  ),
  fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
);
const text = fc.array(char, { maxLength: 40 }).map((cs) => cs.join(''));
const token = fc.stringMatching(/^[A-Za-z0-9_-]{0,44}$/);

function message(
  part: { html: string; text: string },
  value: string,
  extra: Partial<OutgoingEmail>,
): OutgoingEmail {
  return {
    to: 'reader@example.jp',
    subject: '件名',
    html: part.html.replaceAll(PLACEHOLDER, value),
    text: part.text.replaceAll(PLACEHOLDER, value),
    fill: { part, placeholder: PLACEHOLDER, value },
    ...extra,
  };
}

const whole = (sender: Parameters<typeof sendEmailInput>[0], msg: OutgoingEmail) =>
  Buffer.from(JSON.stringify(sendEmailInput(sender, msg)), 'utf8');

describe('sendEmailBody', () => {
  it('gives the bytes of the whole input encoded, for any text and placeholders', () => {
    fc.assert(
      fc.property(
        fc.record({ html: text, text: text }),
        token,
        fc.record(
          {
            subject: text,
            to: fc.emailAddress(),
            tags: fc.dictionary(fc.stringMatching(/^[A-Za-z_-]{1,8}$/), text, { maxKeys: 3 }),
            headers: fc.array(fc.record({ name: fc.stringMatching(/^[A-Za-z-]{1,12}$/), value: text }), {
              maxLength: 3,
            }),
          },
          { requiredKeys: ['subject', 'to'] },
        ),
        fc.option(fc.constantFrom('kawaraban', 'set "quoted"'), { nil: undefined }),
        (part, value, extra, configurationSet) => {
          const sender = { from: '=?UTF-8?B?55Om54mI?= <news@example.jp>', configurationSet };
          const msg = message(part, value, extra);
          const body = sendEmailBody(sender, msg);
          expect(body).toBeDefined();
          expect(body!.equals(whole(sender, msg))).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reuses the encoded part for the next reader, with their own token and address', () => {
    const part = {
      html: `<a href="https://x/u?t=${PLACEHOLDER}">解除</a>${PLACEHOLDER}`,
      text: `解除: ${PLACEHOLDER}`,
    };
    const sender = { from: 'news@example.jp' };
    const a = message(part, 'tokenA', { to: 'a@example.jp' });
    const b = message(part, 'tokenB', { to: 'b@example.jp' });
    expect(sendEmailBody(sender, a)!.equals(whole(sender, a))).toBe(true);
    const second = JSON.parse(sendEmailBody(sender, b)!.toString('utf8'));
    expect(second.Destination.ToAddresses).toEqual(['b@example.jp']);
    expect(second.Content.Simple.Body.Html.Data).toBe('<a href="https://x/u?t=tokenB">解除</a>tokenB');
    expect(second.Content.Simple.Body.Text.Data).toBe('解除: tokenB');
  });

  it('leaves the encoding to the client when there is nothing to splice, or JSON would escape it', () => {
    const part = { html: 'h', text: 't' };
    const sender = { from: 'news@example.jp' };
    const { fill: _none, ...plain } = message(part, 'v', {});
    expect(sendEmailBody(sender, plain)).toBeUndefined();
    for (const [placeholder, value] of [
      ['P"', 'v'],
      ['P\\', 'v'],
      ['P\n', 'v'],
      ['', 'v'],
      [PLACEHOLDER, 'v"'],
      [PLACEHOLDER, 'v\\'],
      [PLACEHOLDER, 'ü'],
    ] as const) {
      expect(
        sendEmailBody(sender, { ...message(part, value, {}), fill: { part, placeholder, value } }),
      ).toBeUndefined();
    }
  });

  it('is what the dispatcher sends: a personalised newsletter, with the placeholder a render makes, is joined and encodes to the whole input', () => {
    const placeholder = newTokenPlaceholder();
    const part = { subject: '件名', html: `<p>本文 "引用" ${placeholder}</p>`, text: `本文\n${placeholder}` };
    const rendered = {
      reportId: 'r-1',
      contentHash: 'h',
      placeholder,
      locales: { ja: part, en: part },
    };
    const msg = personalise(
      rendered,
      { id: 'sub-1', email: 'reader@example.jp', locale: 'ja' },
      Buffer.alloc(32, 1),
      { publicBaseUrl: 'https://news.example.jp', unsubscribeMailto: 'unsubscribe@example.jp' },
      'r-1',
    );
    const sender = { from: 'news@example.jp', configurationSet: 'kawaraban' };
    expect(msg.fill?.part).toBe(part);
    expect(msg.html).not.toContain(placeholder);
    expect(sendEmailBody(sender, msg)!.equals(whole(sender, msg))).toBe(true);
  });
});
