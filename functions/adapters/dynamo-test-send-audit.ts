/**
 * Test-send audit records beside their report in the reports table: items `test#<when>#<id>`.
 * No `status` attribute (the byStatus index stays reports only), no TTL (an audit trail is
 * kept), and no addresses: only their hashes and the caller.
 */
import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TestSendAudit } from '../core/use-cases/send-test.ts';

export const TEST_SEND_ITEM_PREFIX = 'test#';

export function dynamoTestSendAudit(db: DynamoDBDocumentClient, table: string): TestSendAudit {
  return {
    async record(entry) {
      const { id, reportId, ...rest } = entry;
      await db.send(
        new PutCommand({
          TableName: table,
          Item: { reportId, item: `${TEST_SEND_ITEM_PREFIX}${id}`, ...rest, outcome: 'sending' },
          // An id is used once: never overwrite a record.
          ConditionExpression: 'attribute_not_exists(reportId)',
        }),
      );
    },
    async finish(reportId, id, outcome) {
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: { reportId, item: `${TEST_SEND_ITEM_PREFIX}${id}` },
          UpdateExpression: 'SET outcome = :o, sent = :s, failed = :f, finishedAt = :at',
          ConditionExpression: 'attribute_exists(reportId)',
          ExpressionAttributeValues: {
            ':o': outcome.failed ? 'partly-failed' : 'sent',
            ':s': outcome.sent,
            ':f': outcome.failed,
            ':at': outcome.at,
          },
        }),
      );
    },
  };
}
