/**
 * GET /unsubscribe shows the button (never acts: mail scanners fetch every link).
 * POST /unsubscribe?token=… acts at once: RFC 8058 one-click (urlencoded or multipart body
 * `List-Unsubscribe=One-Click`, no cookie, no redirect, 200 with a short body) or the page's form.
 */
import { checkUnsubscribeToken, unsubscribe } from '../../core/use-cases/unsubscribe.ts';
import { readBody } from '../body.ts';
import type { RouteContext } from '../context.ts';
import { invalidUnsubscribePage, messages, unsubscribedPage, unsubscribePage } from '../pages.ts';
import { jsonResponse, pageResponse, textResponse, type HttpResult } from '../responses.ts';
import { bodyFailure, tokenFrom } from './common.ts';

export async function getUnsubscribe(ctx: RouteContext): Promise<HttpResult> {
  const token = tokenFrom(ctx);
  if (!token) return ctx.fail(400, 'missingToken');
  const v = ctx.view(ctx.locale(), true);
  const valid = checkUnsubscribeToken(await ctx.deps.unsubscribeKey(), token) !== null;
  ctx.outcome = valid ? 'page' : 'invalid';
  if (ctx.json) {
    return valid ? jsonResponse(200, { ok: true, status: 'ready' }) : jsonResponse(400, { ok: false, error: 'invalid_token' });
  }
  return valid ? pageResponse(200, unsubscribePage(v, token)) : pageResponse(400, invalidUnsubscribePage(v));
}

export async function postUnsubscribe(ctx: RouteContext): Promise<HttpResult> {
  const body = readBody(ctx.req);
  if (!body.ok) return bodyFailure(ctx, body.problem);
  const fields = (ctx.fields = body.fields);
  const oneClick = fields.get('List-Unsubscribe')?.trim() === 'One-Click';
  const token = tokenFrom(ctx, fields);
  const locale = ctx.locale(fields);
  const t = messages(locale);
  const result = token
    ? await unsubscribe({ store: ctx.deps.subscribers, clock: ctx.deps.clock, key: await ctx.deps.unsubscribeKey() }, token)
    : ({ kind: 'invalid' } as const);
  ctx.outcome = `${oneClick ? 'one-click' : 'form'}:${result.kind === 'unsubscribed' ? `unsubscribed:${result.before}` : 'invalid'}`;
  const ok = result.kind === 'unsubscribed';
  if (oneClick) return textResponse(ok ? 200 : 400, ok ? t.unsubscribed.oneClick : t.invalidUnsubscribe.oneClick);
  if (ctx.json) return ok ? jsonResponse(200, { ok: true, status: 'unsubscribed' }) : jsonResponse(400, { ok: false, error: 'invalid_token' });
  const v = ctx.view(locale);
  return ok ? pageResponse(200, unsubscribedPage(v)) : pageResponse(400, invalidUnsubscribePage(v));
}
