/**
 * The account's last newsletter admission (sending-ports.ts `LastSend`): one item beside the
 * reports, `sending#last`/`last`, without a `status`, so the byStatus index never sees it.
 */
import type { Dynamo } from './aws/lean/dynamo-port.ts';
import type { LastSend } from '../core/use-cases/sending-ports.ts';
import { unlessConditionFails } from './dynamo-conflicts.ts';

const KEY = { reportId: 'sending#last', item: 'last' };

export function dynamoLastSend(doc: Dynamo, table: string): LastSend {
  return {
    async read() {
      const out = await doc.get({ TableName: table, Key: KEY, ConsistentRead: true });
      const item = out.Item;
      if (typeof item?.at !== 'number' || typeof item.lane !== 'string') return null;
      return { lane: item.lane, at: item.at };
    },
    async note(lane, at) {
      // Only ever later: lanes that end out of order leave the latest admission.
      await unlessConditionFails(() =>
        doc.update({
          TableName: table,
          Key: KEY,
          UpdateExpression: 'SET #lane = :lane, #at = :at',
          ConditionExpression: 'attribute_not_exists(#at) OR #at < :at',
          ExpressionAttributeNames: { '#lane': 'lane', '#at': 'at' },
          ExpressionAttributeValues: { ':lane': lane, ':at': at },
        }),
      );
    },
  };
}
