/**
 * A fresh, isolated slice of the emulators for one test file: its own tables and bucket
 * (unique names), and the environment a handler would see on AWS.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { reportsTable, subscribersTable } from '../../infra/tables.ts';
import { ensureBucket, ensureTable } from '../../local/tables.ts';
import type { ConfirmationTemplates } from '../../emails/confirmation-template.ts';
import { renderConfirmationTemplates } from '../../emails/render.ts';
import { loadConfig, type Config } from '../../functions/core/config.ts';

export interface TestStack {
  env: Record<string, string>;
  config: Config;
  /** The confirmation email rendered ahead for this configuration, as the build does for the api function. */
  confirmationTemplates: ConfirmationTemplates;
  /** A unique recipient address for this stack, so SES emulator mail can be told apart. */
  address(local?: string): string;
}

export const testSecret = 'test-unsubscribe-secret-0123456789abcdef';

export async function createTestStack(overrides: Record<string, string> = {}): Promise<TestStack> {
  const tag = randomBytes(5).toString('hex');
  const env: Record<string, string> = {
    SUBSCRIBERS_TABLE: `t-${tag}-subscribers`,
    REPORTS_TABLE: `t-${tag}-reports`,
    UPLOAD_BUCKET: `t-${tag}-uploads`,
    NEWSLETTER_NAME: 'テスト脅威レポート',
    FROM_ADDRESS: 'テスト配信 <news@example.jp>',
    PUBLIC_BASE_URL: 'https://news.example.jp',
    UNSUBSCRIBE_MAILTO: 'unsubscribe@example.jp',
    EDITORS: `editor-${tag}@example.jp`,
    SENDER_NAME: '株式会社テスト',
    SENDER_POSTAL_ADDRESS: '〒100-0001 東京都千代田区千代田1-1',
    SENDER_CONTACT: 'contact@example.jp',
    UNSUBSCRIBE_SECRET: testSecret,
    SES_CONFIGURATION_SET: 'kawaraban-test',
    ...overrides,
  };
  const config = loadConfig({ ...process.env, ...env });
  const ddb = new DynamoDBClient({});
  await Promise.all([
    ensureTable(ddb, subscribersTable, env.SUBSCRIBERS_TABLE!),
    ensureTable(ddb, reportsTable, env.REPORTS_TABLE!),
  ]);
  ddb.destroy();
  const s3 = new S3Client({ forcePathStyle: true });
  await ensureBucket(s3, env.UPLOAD_BUCKET!);
  s3.destroy();
  // A counter makes addresses unique within the stack (random suffixes alone once collided in a
  // batch write); the random part keeps them unguessable-looking like real ones.
  let made = 0;
  return {
    env,
    config,
    confirmationTemplates: await renderConfirmationTemplates(config),
    address: (local = 'reader') => `${local}-${tag}-${++made}x${randomBytes(2).toString('hex')}@example.com`,
  };
}

/** Puts the stack's variables into process.env (for tests that import a handler module). */
export function useStackEnv(stack: TestStack): void {
  Object.assign(process.env, stack.env, {
    KAWARABAN_CONFIRMATION_TEMPLATES: JSON.stringify(stack.confirmationTemplates),
  });
}
