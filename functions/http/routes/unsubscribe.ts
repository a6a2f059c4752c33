/**
 * GET /unsubscribe shows the button (never acts: mail scanners fetch every link).
 * POST /unsubscribe?token=… acts at once: RFC 8058 one-click (urlencoded or multipart body
 * `List-Unsubscribe=One-Click`, no cookie, no redirect, 200 with a short body) or the page's form.
 */
import { checkUnsubscribeToken, unsubscribe } from '../../core/use-cases/unsubscribe.ts';
import { readBody } from '../body.ts';
import type { RouteContext } from '../context.ts';
import {
  invalidUnsubscribePage,
  messages,
  retiredUnsubscribePage,
  unsubscribedPage,
  unsubscribePage,
} from '../pages.ts';
import { jsonResponse, pageResponse, textResponse, type HttpResult } from '../responses.ts';
import { bodyFailure, tokenFrom } from './common.ts';

export async function getUnsubscribe(ctx: RouteContext): Promise<HttpResult> {
  const token = tokenFrom(ctx);
  if (!token) return ctx.fail(400, 'missingToken');
  const v = ctx.view(ctx.locale(), true);
  const verdict = await checkUnsubscribeToken(
    { keys: ctx.deps.unsubscribeKeys, clock: ctx.deps.clock },
    token,
  );
  ctx.outcome = verdict === 'valid' ? 'page' : verdict;
  if (ctx.json) {
    return verdict === 'valid'
      ? jsonResponse(200, { ok: true, status: 'ready' })
      : jsonResponse(400, { ok: false, error: `${verdict}_token` });
  }
  if (verdict === 'valid') return pageResponse(200, unsubscribePage(v, token));
  return pageResponse(400, verdict === 'retired' ? retiredUnsubscribePage(v) : invalidUnsubscribePage(v));
}

export async function postUnsubscribe(ctx: RouteContext): Promise<HttpResult> {
  const body = readBody(ctx.req);
  if (!body.ok) return bodyFailure(ctx, body.problem);
  const fields = body.fields;
  ctx.fields = fields;
  const oneClick = fields.get('List-Unsubscribe')?.trim() === 'One-Click';
  const token = tokenFrom(ctx, fields);
  const locale = ctx.locale(fields);
  const t = messages(locale);
  const result = token
    ? await unsubscribe(
        {
          store: ctx.deps.subscribers,
          clock: ctx.deps.clock,
          keys: ctx.deps.unsubscribeKeys,
          metrics: ctx.deps.metrics,
        },
        token,
      )
    : ({ kind: 'invalid' } as const);
  ctx.outcome = `${oneClick ? 'one-click' : 'form'}:${result.kind === 'unsubscribed' ? `unsubscribed:${result.before}` : result.kind}`;
  if (result.kind === 'unsubscribed') {
    if (oneClick) return textResponse(200, t.unsubscribed.oneClick);
    return ctx.json
      ? jsonResponse(200, { ok: true, status: 'unsubscribed' })
      : pageResponse(200, unsubscribedPage(ctx.view(locale)));
  }
  const retired = result.kind === 'retired';
  if (oneClick)
    return textResponse(400, retired ? t.retiredUnsubscribe.oneClick : t.invalidUnsubscribe.oneClick);
  if (ctx.json) return jsonResponse(400, { ok: false, error: `${result.kind}_token` });
  const v = ctx.view(locale);
  return pageResponse(400, retired ? retiredUnsubscribePage(v) : invalidUnsubscribePage(v));
}
