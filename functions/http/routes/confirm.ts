/**
 * GET /confirm shows the button (reads, never writes: mail scanners fetch every link);
 * POST /confirm confirms, or with action=new-link sends a fresh link for an expired one.
 */
import { confirm, inspectConfirmToken, type ConfirmOutcome } from '../../core/use-cases/confirm.ts';
import { requestNewConfirmation } from '../../core/use-cases/subscribe.ts';
import type { Locale } from '../../core/subscriber.ts';
import { readBody } from '../body.ts';
import type { RouteContext } from '../context.ts';
import {
  alreadyConfirmedPage,
  confirmedPage,
  confirmPage,
  expiredPage,
  invalidConfirmPage,
  newLinkLimitedPage,
  newLinkSentPage,
  rateLimitedPage,
} from '../pages.ts';
import { jsonResponse, pageResponse, type HttpResult } from '../responses.ts';
import { bodyFailure, clientOf, retryAfter, subscribeDeps, tokenFrom } from './common.ts';

export async function getConfirm(ctx: RouteContext): Promise<HttpResult> {
  const token = tokenFrom(ctx);
  if (!token) return ctx.fail(400, 'missingToken');
  const locale = ctx.locale();
  const state = await inspectConfirmToken({ store: ctx.deps.subscribers, clock: ctx.deps.clock }, token);
  ctx.outcome = `inspect:${state.kind}`;
  if (state.kind === 'ready') {
    return ctx.json
      ? jsonResponse(200, { ok: true, status: 'ready' })
      : pageResponse(200, confirmPage(ctx.view(locale, true), token));
  }
  return answer(ctx, locale, state, token, true);
}

export async function postConfirm(ctx: RouteContext): Promise<HttpResult> {
  const body = readBody(ctx.req);
  if (!body.ok) return bodyFailure(ctx, body.problem);
  const fields = body.fields;
  ctx.fields = fields;
  const token = tokenFrom(ctx, fields);
  if (!token) return ctx.fail(400, 'missingToken', fields);
  const locale = ctx.locale(fields);
  const { deps } = ctx;
  if (fields.get('action') === 'new-link') {
    const result = await requestNewConfirmation(subscribeDeps(ctx), { token, client: clientOf(ctx) });
    ctx.outcome = `new-link:${result.kind === 'accepted' ? result.detail : result.kind}`;
    if (result.kind === 'rate-limited') {
      return ctx.json
        ? jsonResponse(
            429,
            { ok: false, error: 'rate_limited', retryAfterSeconds: result.retryAfterSeconds },
            retryAfter(result.retryAfterSeconds),
          )
        : pageResponse(
            429,
            rateLimitedPage(ctx.view(locale), result.retryAfterSeconds),
            retryAfter(result.retryAfterSeconds),
          );
    }
    if (result.kind === 'invalid') return answer(ctx, locale, { kind: 'invalid' }, token, false);
    if (result.kind === 'address-limited') {
      const headers = retryAfter(result.retryAfterSeconds);
      return ctx.json
        ? jsonResponse(
            429,
            { ok: false, error: 'address_limited', retryAfterSeconds: result.retryAfterSeconds },
            headers,
          )
        : pageResponse(429, newLinkLimitedPage(ctx.view(locale), token, result.retryAfterSeconds), headers);
    }
    return ctx.json
      ? jsonResponse(200, { ok: true, status: 'accepted' })
      : pageResponse(200, newLinkSentPage(ctx.view(locale)));
  }
  const outcome = await confirm(
    {
      store: deps.subscribers,
      clock: deps.clock,
      policyVersion: deps.site.consentPolicyVersion,
      metrics: deps.metrics,
    },
    { token, client: clientOf(ctx) },
  );
  ctx.outcome = `confirm:${outcome.kind}`;
  return answer(ctx, locale, outcome, token, false);
}

function answer(
  ctx: RouteContext,
  locale: Locale,
  outcome: ConfirmOutcome,
  token: string,
  isGet: boolean,
): HttpResult {
  const v = ctx.view(locale, isGet);
  switch (outcome.kind) {
    case 'confirmed':
      return ctx.json
        ? jsonResponse(200, { ok: true, status: 'confirmed' })
        : pageResponse(200, confirmedPage(v));
    case 'already-confirmed':
      return ctx.json
        ? jsonResponse(200, { ok: true, status: 'already-confirmed' })
        : pageResponse(200, alreadyConfirmedPage(v));
    case 'expired':
      return ctx.json
        ? jsonResponse(410, { ok: false, error: 'expired', message: v.t.expired.title })
        : pageResponse(410, expiredPage(v, token));
    case 'invalid':
      return ctx.json
        ? jsonResponse(400, { ok: false, error: 'invalid_token', message: v.t.invalidConfirm.title })
        : pageResponse(400, invalidConfirmPage(v));
  }
}
