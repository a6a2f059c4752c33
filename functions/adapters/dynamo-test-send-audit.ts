/**
 * Test-send audit records in the subscribers table, beside the rate-limit counters, under
 * `audit#test-send#<when>#<id>`: editors who may not write the reports table (two-person
 * approval) can still be allowed these keys alone (`dynamodb:LeadingKeys`). No `id` or
 * `status` attribute, so the indexes and subscriber scans never see them; no TTL (an audit
 * trail is kept); no addresses, only their hashes and the caller.
 */
import type { Dynamo } from './aws/lean/dynamo-port.ts';
import type { TestSendAudit } from '../core/use-cases/send-test.ts';

export const TEST_SEND_AUDIT_PREFIX = 'audit#test-send#';

export function dynamoTestSendAudit(db: Dynamo, table: string): TestSendAudit {
  return {
    async record(entry) {
      const { id, ...rest } = entry;
      await db.put({
        TableName: table,
        Item: { email: `${TEST_SEND_AUDIT_PREFIX}${id}`, ...rest, outcome: 'sending' },
        // An id is used once: never overwrite a record.
        ConditionExpression: 'attribute_not_exists(email)',
      });
    },
    async finish(_reportId, id, outcome) {
      await db.update({
        TableName: table,
        Key: { email: `${TEST_SEND_AUDIT_PREFIX}${id}` },
        UpdateExpression: 'SET outcome = :o, sent = :s, failed = :f, finishedAt = :at',
        ConditionExpression: 'attribute_exists(email)',
        ExpressionAttributeValues: {
          ':o': outcome.failed ? 'partly-failed' : 'sent',
          ':s': outcome.sent,
          ':f': outcome.failed,
          ':at': outcome.at,
        },
      });
    },
  };
}
