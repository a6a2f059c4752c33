/**
 * The HTTP API as one function of an API Gateway v2 event: route, call the route, log one
 * line. Unknown paths get 404, known paths with another method 405 (with Allow). A failure
 * of a dependency (DynamoDB, SES) becomes a 503 page without internals, never a bare 500.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { logger } from '../adapters/logger.ts';
import { clip } from '../core/clip.ts';
import { routeContext, type AppDeps, type RouteContext } from './context.ts';
import { clientAddress, type ClientVia } from './edge.ts';
import { wantsJson } from './negotiate.ts';
import { toHttpRequest } from './request.ts';
import type { HttpResult } from './responses.ts';
import { getHome, getRobots } from './routes/home.ts';
import { getConfirm, postConfirm } from './routes/confirm.ts';
import { postSubscribe } from './routes/subscribe.ts';
import { getUnsubscribe, postUnsubscribe } from './routes/unsubscribe.ts';

export type { AppDeps } from './context.ts';

type Route = (ctx: RouteContext) => Promise<HttpResult>;

const ROUTES: Record<string, { GET?: Route; POST?: Route }> = {
  '/': { GET: getHome },
  '/subscribe': { GET: getHome, POST: postSubscribe },
  '/confirm': { GET: getConfirm, POST: postConfirm },
  '/unsubscribe': { GET: getUnsubscribe, POST: postUnsubscribe },
  '/robots.txt': { GET: getRobots },
};

export function createHandler(deps: AppDeps): (event: APIGatewayProxyEventV2) => Promise<HttpResult> {
  return async (event) => {
    let req = toHttpRequest(event);
    // Behind the CloudFront edge only: the viewer's address when the origin secret proves it.
    let via: ClientVia | undefined;
    if (deps.edgeOriginSecret) {
      const client = await clientAddress(req, deps.edgeOriginSecret);
      req = { ...req, sourceIp: client.sourceIp };
      via = client.via;
      if (via === 'secret-unavailable') {
        logger.warn('edge origin secret unreadable: counting the TCP peer', { requestId: req.requestId });
      }
    }
    const ctx = routeContext(req, deps, wantsJson(req));
    const methods = Object.hasOwn(ROUTES, req.path) ? ROUTES[req.path]! : undefined;
    const isHead = req.method === 'HEAD';
    const route = methods?.[(isHead ? 'GET' : req.method) as 'GET' | 'POST'];
    // Only names we chose reach the log: an unknown path or method is whatever the client sent,
    // and a mangled link puts a token or an address there.
    const where = {
      path: methods ? req.path : '(unknown)',
      method: KNOWN_METHODS.has(req.method) ? req.method : '(other)',
    };
    let result: HttpResult;
    try {
      if (!methods) result = ctx.fail(404, 'notFound');
      else if (!route) result = ctx.fail(405, 'methodNotAllowed', undefined, { Allow: allow(methods) });
      else result = await route(ctx);
    } catch (err) {
      logger.error('request failed', { ...where, requestId: req.requestId, error: errorSummary(err) });
      ctx.outcome = 'unavailable';
      result = ctx.fail(503, 'unavailable', undefined, { 'Retry-After': '30' });
    }
    logger.info('request', {
      ...where,
      status: result.statusCode,
      outcome: ctx.outcome,
      requestId: req.requestId,
      ...(via ? { via } : {}),
    });
    return isHead ? { ...result, body: '' } : result;
  };
}

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

function allow(methods: { GET?: Route; POST?: Route }): string {
  return [...(methods.GET ? ['GET', 'HEAD'] : []), ...(methods.POST ? ['POST'] : [])].join(', ');
}

/**
 * Name and message only, with addresses, links and token-like strings masked: SES puts the
 * recipient into some error messages, and an error may quote the link it was sending.
 */
export function errorSummary(err: unknown): { name: string; message: string } {
  const name = err instanceof Error ? err.name : 'unknown';
  const message = (err instanceof Error ? err.message : String(err))
    .replace(/[^\s<>"'()@:,;]+@[^\s<>"'()@:,;]+/g, '<address>')
    .replace(/\b(?:https?|mailto):[^\s<>"']*/gi, '<link>')
    .replace(/[A-Za-z0-9_-]{32,}/g, '<token>');
  return { name: clip(name, 100), message: clip(message, 300) };
}
