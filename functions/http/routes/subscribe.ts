/** POST /subscribe: form or JSON in; the same neutral answer for every address that may be mailed. */
import { subscribe } from '../../core/use-cases/subscribe.ts';
import { readBody, type BodyFormat } from '../body.ts';
import type { RouteContext } from '../context.ts';
import { acceptedPage, homePage, rateLimitedPage } from '../pages.ts';
import { jsonResponse, pageResponse, type HttpResult } from '../responses.ts';
import { bodyFailure, clientOf, retryAfter, subscribeDeps } from './common.ts';

const SOURCE = /^[a-z0-9][a-z0-9-]{0,39}$/;

/**
 * Every neutral answer leaves no earlier than this after the request came in. Only the branch
 * that mails (new, pending past its 10 minutes, unsubscribed, bounced, complained) renders an
 * email and calls SES, so without a floor its latency would tell a confirmed (or just-asked-
 * for) address from a mailable one: measured locally ~25 ms against ~12 ms, on AWS SES adds
 * tens to hundreds of ms. A Lambda cannot answer first and send afterwards (it is frozen once
 * it answers, short of response streaming), and "comparable work" would mean sending mail, so
 * the quick branches wait instead. One second is above the mailing branch's usual time and
 * costs a person pressing the button nothing they notice. What remains: a send slower than the
 * floor (SES throttled or slow; logged as `:over-floor`) still stands out, and a failed send
 * answers 503 where the others answer 200 — both need SES in trouble, which an attacker
 * cannot cause cheaply, and an honest 503 beats telling someone a mail is on its way.
 */
export const NEUTRAL_ANSWER_FLOOR_MS = 1000;

/** Which form sent it: a short slug an embedding site may set, else the kind of request. */
function sourceOf(fields: Map<string, string>, format: BodyFormat): string {
  const given = fields.get('source')?.trim().toLowerCase();
  if (given && SOURCE.test(given)) return given;
  return format === 'json' ? 'api' : 'form';
}

export async function postSubscribe(ctx: RouteContext): Promise<HttpResult> {
  const floor = ctx.deps.answerFloor;
  const releaseAt = floor.now() + floor.ms;
  const body = readBody(ctx.req);
  if (!body.ok) return bodyFailure(ctx, body.problem);
  const fields = body.fields;
  ctx.fields = fields;
  const locale = ctx.locale(fields);
  const t = ctx.view(locale).t;
  const result = await subscribe(subscribeDeps(ctx), {
    email: fields.get('email') ?? '',
    locale,
    honeypot: fields.get('website') ?? '',
    source: sourceOf(fields, body.format),
    client: clientOf(ctx),
  });
  switch (result.kind) {
    case 'accepted': {
      const wait = releaseAt - floor.now();
      ctx.outcome = `accepted:${result.detail}${wait < 0 ? ':over-floor' : ''}`;
      if (wait > 0) await floor.sleep(wait);
      return ctx.json
        ? jsonResponse(200, { ok: true, status: 'accepted', message: t.accepted.title })
        : pageResponse(200, acceptedPage(ctx.view(locale)));
    }
    case 'invalid-email':
      ctx.outcome = `invalid-email:${result.problem}`;
      return ctx.json
        ? jsonResponse(400, {
            ok: false,
            error: 'invalid_email',
            problem: result.problem,
            message: t.invalidEmail.problems[result.problem],
          })
        : pageResponse(
            400,
            homePage(ctx.view(locale), {
              email: (fields.get('email') ?? '').slice(0, 254),
              problem: result.problem,
              emailLocale: locale,
            }),
          );
    case 'rate-limited':
      ctx.outcome = 'rate-limited';
      return ctx.json
        ? jsonResponse(
            429,
            {
              ok: false,
              error: 'rate_limited',
              retryAfterSeconds: result.retryAfterSeconds,
              message: t.rateLimited.title,
            },
            retryAfter(result.retryAfterSeconds),
          )
        : pageResponse(
            429,
            rateLimitedPage(ctx.view(locale), result.retryAfterSeconds),
            retryAfter(result.retryAfterSeconds),
          );
  }
}
