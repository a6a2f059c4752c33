/** GET / (and GET /subscribe): the hosted subscribe form. */
import type { RouteContext } from '../context.ts';
import { homePage } from '../pages.ts';
import { pageResponse, textResponse, type HttpResult } from '../responses.ts';

export async function getHome(ctx: RouteContext): Promise<HttpResult> {
  ctx.outcome = 'form';
  return pageResponse(200, homePage(ctx.view(ctx.locale(), true)));
}

/** Crawlers have no business with token pages (and must not index them). */
export async function getRobots(ctx: RouteContext): Promise<HttpResult> {
  ctx.outcome = 'robots';
  return textResponse(200, 'User-agent: *\nDisallow: /confirm\nDisallow: /unsubscribe');
}
