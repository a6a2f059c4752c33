/** The public URLs that emails link to. Tokens are [A-Za-z0-9_-], so no encoding is needed. */
export function confirmUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl}/confirm?token=${token}`;
}

export function unsubscribeUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl}/unsubscribe?token=${token}`;
}
