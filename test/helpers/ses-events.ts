/** SES event records (the real samples in test/fixtures/aws-events) in the two forms the handler accepts. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(import.meta.dirname, '../fixtures/aws-events');

export const fixture = (name: string) =>
  JSON.parse(readFileSync(join(dir, name), 'utf8')) as Record<string, unknown>;

/** The record as EventBridge delivers it (configuration set → default bus). */
export const viaEventBridge = (detail: unknown, detailType = 'Email Bounced') => ({
  version: '0',
  id: 'c0ffee00-0000-4000-8000-000000000000',
  'detail-type': detailType,
  source: 'aws.ses',
  account: '123456789012',
  time: '2030-04-01T00:00:00Z',
  region: 'ap-northeast-1',
  resources: [] as string[],
  detail,
});

/** The record wrapped in the real SNS envelope sample. */
export const viaSns = (record: unknown) => {
  const envelope = fixture('sns-envelope__aws-lambda-go.json') as { Records: { Sns: { Message: string } }[] };
  envelope.Records[0]!.Sns.Message = JSON.stringify(record);
  return envelope;
};
