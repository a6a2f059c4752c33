/** POST /subscribe: form or JSON in; the same neutral answer for every address that may be mailed. */
import { subscribe } from '../../core/use-cases/subscribe.ts';
import { readBody, type BodyFormat } from '../body.ts';
import type { RouteContext } from '../context.ts';
import { acceptedPage, homePage, rateLimitedPage } from '../pages.ts';
import { jsonResponse, pageResponse, type HttpResult } from '../responses.ts';
import { bodyFailure, clientOf, retryAfter } from './common.ts';

const SOURCE = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** Which form sent it: a short slug an embedding site may set, else the kind of request. */
function sourceOf(fields: Map<string, string>, format: BodyFormat): string {
  const given = fields.get('source')?.trim().toLowerCase();
  if (given && SOURCE.test(given)) return given;
  return format === 'json' ? 'api' : 'form';
}

export async function postSubscribe(ctx: RouteContext): Promise<HttpResult> {
  const body = readBody(ctx.req);
  if (!body.ok) return bodyFailure(ctx, body.problem);
  const fields = body.fields;
  const locale = ctx.locale(fields);
  const t = ctx.view(locale).t;
  const { deps } = ctx;
  const result = await subscribe(
    {
      store: deps.subscribers,
      limits: deps.limits,
      sendConfirmation: deps.sendConfirmation,
      clock: deps.clock,
      confirmTtlHours: deps.site.confirmTtlHours,
    },
    {
      email: fields.get('email') ?? '',
      locale,
      honeypot: fields.get('website') ?? '',
      source: sourceOf(fields, body.format),
      client: clientOf(ctx),
    },
  );
  switch (result.kind) {
    case 'accepted':
      ctx.outcome = `accepted:${result.detail}`;
      return ctx.json
        ? jsonResponse(200, { ok: true, status: 'accepted', message: t.accepted.title })
        : pageResponse(200, acceptedPage(ctx.view(locale)));
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
            { ok: false, error: 'rate_limited', retryAfterSeconds: result.retryAfterSeconds, message: t.rateLimited.title },
            retryAfter(result.retryAfterSeconds),
          )
        : pageResponse(429, rateLimitedPage(ctx.view(locale), result.retryAfterSeconds), retryAfter(result.retryAfterSeconds));
  }
}
