/**
 * Who the CLI acts as, for two-person approval. On AWS: the caller STS GetCallerIdentity
 * names — `UserId` is what the S3 event of our upload or approval will carry as its principal
 * (`AIDA…` for a user, `AROA…:<session>` for a role), so the CLI can refuse an approval of one's
 * own upload before making it. Locally nobody signs in: the name in `KAWARABAN_EDITOR` is the
 * identity, recorded as object metadata, which the local runtime turns into the event's principal.
 */
export interface EditorIdentity {
  /** What the render function will see as the principal (and record as uploadedBy / approvedBy). */
  principal: string;
  /** For people: the ARN, or the configured name. */
  display: string;
}

export const EDITOR_ENV = 'KAWARABAN_EDITOR';

/** The local stack's emulators are configured (by .local/env.json or a test): no AWS caller. */
export const isLocalStack = () => !!process.env.AWS_ENDPOINT_URL_S3;

export async function editorIdentity(): Promise<EditorIdentity | { missing: true }> {
  if (isLocalStack()) {
    const name = process.env[EDITOR_ENV]?.trim();
    return name ? { principal: `local:${name}`, display: name } : { missing: true };
  }
  const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  const sts = new STSClient({});
  try {
    const me = await sts.send(new GetCallerIdentityCommand({}));
    if (!me.UserId) return { missing: true };
    return { principal: me.UserId, display: me.Arn ?? me.UserId };
  } finally {
    sts.destroy();
  }
}
