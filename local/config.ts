/**
 * The local stack's settings: ports, state directory and the function configuration the
 * CDK stacks would set on AWS. Every value can be overridden from the environment.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CANARY_DEFAULTS } from '../functions/core/canary.ts';

export interface LocalPorts {
  api: number;
  ses: number;
  s3: number;
  dynamo: number;
}

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new Error(`${name} must be a port number, got "${raw}"`);
  return n;
}

export function localPorts(): LocalPorts {
  return {
    api: port('KAWARABAN_API_PORT', 3000),
    ses: port('KAWARABAN_SES_PORT', 8005),
    s3: port('KAWARABAN_S3_PORT', 4569),
    dynamo: port('KAWARABAN_DYNAMODB_PORT', 8000),
  };
}

export function stateDir(): string {
  return resolve(process.env.KAWARABAN_LOCAL_DIR ?? '.local');
}

/**
 * Generated once per state directory, like the secret the stack creates on AWS; its path, which
 * the functions read (and re-read after maxAge) as they read Secrets Manager on AWS, so that
 * `kawaraban secrets rotate` reaches the running stack.
 */
export function localSecretFile(dir: string): string {
  const file = join(dir, 'unsubscribe-secret');
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, `${randomBytes(48).toString('base64url')}\n`, { mode: 0o600 });
  return file;
}

/**
 * Function configuration (see functions/core/config.ts), with fictional sender details. `secret`:
 * the local stack's file (rotatable), or a value for tools that run their own handlers.
 */
export function localFunctionEnv(
  ports: LocalPorts,
  secret: { file: string } | { value: string },
): Record<string, string> {
  const defaults: Record<string, string> = {
    SUBSCRIBERS_TABLE: 'kawaraban-subscribers',
    REPORTS_TABLE: 'kawaraban-reports',
    UPLOAD_BUCKET: 'kawaraban-uploads',
    NEWSLETTER_NAME: 'かわら版 セキュリティレポート',
    FROM_ADDRESS: 'かわら版 セキュリティレポート <report@kawaraban.example.jp>',
    PUBLIC_BASE_URL: `http://localhost:${ports.api}`,
    UNSUBSCRIBE_MAILTO: 'unsubscribe@kawaraban.example.jp',
    SES_CONFIGURATION_SET: 'kawaraban-local',
    EDITORS: 'editor@kawaraban.example.jp',
    SENDER_NAME: '株式会社かわら版インテリジェンス（架空の会社です）',
    SENDER_POSTAL_ADDRESS: '〒100-0005 東京都千代田区丸の内0-0-0 サンプルビル8階',
    SENDER_CONTACT: 'info@kawaraban.example.jp',
    // `APPROVAL_REQUIRED=true npm start`: two-person approval, as `-c approval=true` on AWS.
    APPROVAL_REQUIRED: 'false',
    // The canary as on AWS (functions/core/canary.ts), but a 2-minute wait: the local mailbox
    // simulator reports bounces and complaints within a second, and nobody waits half an hour here.
    CANARY_ENABLED: 'true',
    CANARY_MIN_AUDIENCE: String(CANARY_DEFAULTS.minAudience),
    CANARY_SHARE: String(CANARY_DEFAULTS.share),
    CANARY_MIN_SIZE: String(CANARY_DEFAULTS.minSize),
    CANARY_MAX_SIZE: String(CANARY_DEFAULTS.maxSize),
    CANARY_WAIT_MINUTES: '2',
    // CloudWatch metrics (EMF lines on stdout) mean nothing locally; set it to false to see them.
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...('file' in secret ? { UNSUBSCRIBE_SECRET_FILE: secret.file } : { UNSUBSCRIBE_SECRET: secret.value }),
  };
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(defaults)) env[k] = process.env[k] || v;
  return env;
}
