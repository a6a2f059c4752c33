/**
 * Issue numbers (第N号): one atomic counter in the reports table. Its key cannot be a report's
 * (report ids never contain '#'), and it has no status, so no byStatus query ever lists it.
 */
import type { Dynamo } from './aws/lean/dynamo-port.ts';
import type { IssueNumbers } from '../core/use-cases/sending-ports.ts';

export const ISSUE_COUNTER_KEY = { reportId: '#issue-number', item: 'counter' } as const;

export function dynamoIssueNumbers(doc: Dynamo, table: string): IssueNumbers {
  return {
    async next() {
      const out = await doc.update({
        TableName: table,
        Key: ISSUE_COUNTER_KEY,
        UpdateExpression: 'ADD lastNumber :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      });
      return Number(out.Attributes?.lastNumber);
    },
  };
}
