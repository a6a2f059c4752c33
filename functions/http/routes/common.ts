/** Small helpers shared by the routes. */
import type { SubscribeDeps } from '../../core/use-cases/subscribe.ts';
import type { BodyProblem } from '../body.ts';
import type { RouteContext } from '../context.ts';
import type { HttpResult } from '../responses.ts';

const BODY_STATUS: Record<BodyProblem, [number, 'tooLarge' | 'unsupported' | 'malformed']> = {
  'too-large': [413, 'tooLarge'],
  'unsupported-type': [415, 'unsupported'],
  malformed: [400, 'malformed'],
};

export function bodyFailure(ctx: RouteContext, problem: BodyProblem): HttpResult {
  const [status, kind] = BODY_STATUS[problem];
  return ctx.fail(status, kind);
}

/** The token from the form field, else from the query (a POST to the link itself). */
export function tokenFrom(ctx: RouteContext, fields?: Map<string, string>): string | null {
  const token = fields?.get('token') ?? ctx.req.query.get('token');
  return token ? token.trim() : null;
}

/** What subscribing and asking for a new confirmation link both need. */
export function subscribeDeps({ deps }: RouteContext): SubscribeDeps {
  return {
    store: deps.subscribers,
    limits: deps.limits,
    sendConfirmation: deps.sendConfirmation,
    clock: deps.clock,
    confirmTtlHours: deps.site.confirmTtlHours,
    metrics: deps.metrics,
  };
}

export function clientOf(ctx: RouteContext) {
  return { sourceIp: ctx.req.sourceIp, userAgent: ctx.req.userAgent };
}

export function retryAfter(seconds: number): Record<string, string> {
  return { 'Retry-After': String(seconds) };
}
