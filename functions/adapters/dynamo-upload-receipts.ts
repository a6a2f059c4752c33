import type { Dynamo } from './aws/lean/dynamo-port.ts';
import { UPLOAD_RECEIPT_TTL_SECONDS } from '../core/report.ts';
import type { UploadReceipts } from '../core/use-cases/sending-ports.ts';

/**
 * Receipts of handled upload events, in the reports table under `upload#<hash>` (no `status`,
 * so the byStatus index never sees them).
 */
export function dynamoUploadReceipts(doc: Dynamo, table: string): UploadReceipts {
  // Only receipts carry the table's TTL attribute: report items and ledger rows are kept.
  const key = (eventKey: string) => ({ reportId: `upload#${eventKey}`, item: 'receipt' });
  return {
    async seen(eventKey) {
      const out = await doc.get({ TableName: table, Key: key(eventKey), ConsistentRead: true });
      return !!out.Item;
    },
    async remember(eventKey, now) {
      const expiresAt = Math.floor(now.getTime() / 1000) + UPLOAD_RECEIPT_TTL_SECONDS;
      await doc.put({ TableName: table, Item: { ...key(eventKey), at: now.toISOString(), expiresAt } });
    },
  };
}
