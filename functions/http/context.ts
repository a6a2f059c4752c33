/** What every route gets: the request, the dependencies, and helpers to answer in the right language and format. */
import type { Metrics } from '../core/metrics.ts';
import type { Clock } from '../core/ports.ts';
import type { Locale } from '../core/subscriber.ts';
import type { ConfirmStore } from '../core/use-cases/confirm.ts';
import type { RateLimitStore } from '../core/use-cases/rate-limits.ts';
import type { SendConfirmation, SubscribeStore } from '../core/use-cases/subscribe.ts';
import type { KeyringSource } from '../core/unsubscribe-keys.ts';
import type { UnsubscribeStore } from '../core/use-cases/unsubscribe.ts';
import type { PageContext } from './i18n/ja.ts';
import { pickLocale } from './negotiate.ts';
import { errorPage, messages, view, type ErrorKind, type View } from './pages.ts';
import type { HttpRequest } from './request.ts';
import { jsonResponse, pageResponse, type HttpResult } from './responses.ts';

export interface SiteSettings extends PageContext {
  defaultLocale: Locale;
  consentPolicyVersion: string;
}

/** A monotonic timer (ms) that can wait: holds neutral answers to their floor. */
export interface AnswerFloor {
  ms: number;
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface AppDeps {
  site: SiteSettings;
  subscribers: SubscribeStore & ConfirmStore & UnsubscribeStore;
  limits: RateLimitStore;
  sendConfirmation: SendConfirmation;
  /** The unsubscribe keyring (Secrets Manager on AWS), cached by functions/adapters/secret.ts. */
  unsubscribeKeys: KeyringSource;
  /**
   * Only behind the CloudFront edge: the origin secret (cached). With it, a request carrying it
   * is counted by CloudFront's viewer address (functions/http/edge.ts); without it, by its peer.
   */
  edgeOriginSecret?: () => Promise<Buffer>;
  clock: Clock;
  /** Counts of outcomes for the dashboard (CloudWatch EMF on AWS). */
  metrics: Metrics;
  /** POST /subscribe's neutral answers leave no earlier than `ms` after the request came in. */
  answerFloor: AnswerFloor;
}

export interface RouteContext {
  req: HttpRequest;
  deps: AppDeps;
  /** Answer in JSON (the request was JSON, or asked for it). */
  json: boolean;
  /** What happened, for the one log line per request (never an address or token). */
  outcome: string;
  /** The body's fields once a route has read them: a later failure still answers in their `lang`. */
  fields?: Map<string, string>;
  locale(fields?: Map<string, string>): Locale;
  /** A view of the request's language; `offerSwitch` adds the other-language link (GET pages). */
  view(locale: Locale, offerSwitch?: boolean): View;
  fail(
    status: number,
    kind: ErrorKind,
    fields?: Map<string, string>,
    extra?: Record<string, string>,
  ): HttpResult;
}

export function routeContext(req: HttpRequest, deps: AppDeps, json: boolean): RouteContext {
  const ctx: RouteContext = {
    req,
    deps,
    json,
    outcome: '',
    locale: (fields) => pickLocale(req, deps.site.defaultLocale, fields ?? ctx.fields),
    view: (locale, offerSwitch = false) => view(locale, deps.site, offerSwitch ? req.query : undefined),
    fail(status, kind, fields, extra) {
      ctx.outcome ||= kind;
      const locale = ctx.locale(fields);
      if (json) {
        return jsonResponse(
          status,
          { ok: false, error: kind, message: messages(locale).errors[kind].title },
          extra,
        );
      }
      return pageResponse(status, errorPage(ctx.view(locale), kind), extra);
    },
  };
  return ctx;
}
