import { describe, expect, it } from 'vitest';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTestStack } from '../helpers/stack.ts';
import { sesClient } from '../../functions/adapters/aws/sesv2.ts';
import { sesMailer } from '../../functions/adapters/ses-mailer.ts';
import { sentTo, header } from '../helpers/inbox.ts';

describe('emulators started by the global setup', () => {
  it('create tables with the indexes and TTL the stack defines', async () => {
    const stack = await createTestStack();
    const ddb = new DynamoDBClient({});
    const t = await ddb.send(new DescribeTableCommand({ TableName: stack.env.SUBSCRIBERS_TABLE }));
    expect(t.Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(['byId', 'byStatus']);
  });

  it('send through the SES emulator with custom headers and report the quota', async () => {
    const ses = sesClient();
    const account = await ses.getAccount();
    expect(account.SendQuota?.MaxSendRate).toBeGreaterThan(0);
    const to = `probe-${Date.now()}@example.com`;
    const { messageId } = await sesMailer(ses, { from: 'a@example.jp' }).send({
      to,
      subject: '件名',
      html: '<p>本文</p>',
      text: '本文',
      headers: [{ name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' }],
    });
    const [mail] = await sentTo(to);
    expect(mail?.messageId).toBe(messageId);
    expect(mail && header(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
  });
});
