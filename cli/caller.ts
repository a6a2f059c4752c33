/**
 * Who runs the command, for audit records. Against AWS: the caller identity STS reports (the
 * principal's ARN; it needs no permission). Against the local stack (SES endpoint overridden):
 * KAWARABAN_EDITOR if set, else the OS user name, marked `local:`.
 */
import { userInfo } from 'node:os';

export async function callerIdentity(env: Record<string, string | undefined> = process.env): Promise<string> {
  if (env.AWS_ENDPOINT_URL_SESV2 || env.AWS_ENDPOINT_URL) {
    return `local:${env.KAWARABAN_EDITOR?.trim() || osUser()}`;
  }
  const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  const sts = new STSClient({});
  try {
    const me = await sts.send(new GetCallerIdentityCommand({}));
    if (!me.Arn) throw new Error('STS GetCallerIdentity returned no Arn');
    return me.Arn;
  } finally {
    sts.destroy();
  }
}

function osUser(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    // No passwd entry (some containers).
    return 'unknown';
  }
}
