/** The public URLs that emails link to. Tokens are [A-Za-z0-9_-], so no encoding is needed. */
export function confirmUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl}/confirm?token=${token}`;
}

export function unsubscribeUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl}/unsubscribe?token=${token}`;
}

/** A sent report's web version (the archive page); report ids are [a-z0-9-]. */
export function archiveUrl(publicBaseUrl: string, reportId: string): string {
  return `${publicBaseUrl}/archive/${reportId}`;
}

/** Without a trailing slash: API Gateway's HTTP API routes cannot end in one (both forms are served). */
export function archiveIndexUrl(publicBaseUrl: string): string {
  return `${publicBaseUrl}/archive`;
}

export function feedUrl(publicBaseUrl: string): string {
  return `${publicBaseUrl}/feed.xml`;
}
