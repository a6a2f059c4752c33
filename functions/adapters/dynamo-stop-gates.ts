/**
 * The stop gates beside a report item (`gate#00` … `gate#15`, see `gateItemKey`): the check a
 * claim transaction carries, and the transaction that stops a report — its status and every
 * lane's token at once, so no claim can commit between the two.
 */
import { randomUUID } from 'node:crypto';
import type { Dynamo } from './aws/lean/dynamo-port.ts';
import { GATE_LANES, REPORT_ITEM, gateItemKey } from '../core/report.ts';
import type { ClaimGate } from '../core/use-cases/sending-ports.ts';
import { cancellationReasons, retryConflicts } from './dynamo-conflicts.ts';

const gateKey = (reportId: string, lane: number) => ({ reportId, item: gateItemKey(lane) });

/** The transaction item that refuses a claim once the lane's token changed. */
export function gateCheck(table: string, reportId: string, gate: ClaimGate) {
  return {
    ConditionCheck: {
      TableName: table,
      Key: gateKey(reportId, gate.lane),
      ...(gate.token === null
        ? { ConditionExpression: 'attribute_not_exists(gate)' }
        : { ConditionExpression: 'gate = :gate', ExpressionAttributeValues: { ':gate': gate.token } }),
    },
  };
}

export async function readGate(
  doc: Dynamo,
  table: string,
  reportId: string,
  lane: number,
): Promise<string | null> {
  const out = await doc.get({ TableName: table, Key: gateKey(reportId, lane), ConsistentRead: true });
  return typeof out.Item?.gate === 'string' ? out.Item.gate : null;
}

/**
 * The lane's gate token and the report item in one read that no stop can fall between (a
 * transaction): one call where two consistent reads took two, for the run's check every
 * second. Retried like the transactions that write them.
 */
export async function readGateAndReport(
  doc: Dynamo,
  table: string,
  reportId: string,
  lane: number,
): Promise<{ gate: string | null; item: Record<string, unknown> | undefined }> {
  const out = await retryConflicts(() =>
    doc.transactGet({
      TransactItems: [
        { Get: { TableName: table, Key: gateKey(reportId, lane) } },
        { Get: { TableName: table, Key: { reportId, item: REPORT_ITEM } } },
      ],
    }),
  );
  const gate = out.Responses?.[0]?.Item?.gate;
  return { gate: typeof gate === 'string' ? gate : null, item: out.Responses?.[1]?.Item };
}

/**
 * Runs `reportUpdate` (a conditional Update of the report item moving it to PAUSED or CANCELED)
 * with a new token in every lane, in one transaction. False when the report's condition failed.
 */
export async function stopWithGates(
  doc: Dynamo,
  table: string,
  reportId: string,
  reportUpdate: Record<string, unknown>,
): Promise<boolean> {
  const token = randomUUID();
  const gates = Array.from({ length: GATE_LANES }, (_, lane) => ({
    Update: {
      TableName: table,
      Key: gateKey(reportId, lane),
      UpdateExpression: 'SET gate = :gate',
      ExpressionAttributeValues: { ':gate': token },
    },
  }));
  try {
    // A lane's claim in flight at this moment conflicts with this transaction: one of them is retried.
    await retryConflicts(
      () => doc.transactWrite({ TransactItems: [{ Update: reportUpdate }, ...gates] as never }),
      10,
    );
    return true;
  } catch (err) {
    if (cancellationReasons(err)?.[0]?.Code === 'ConditionalCheckFailed') return false;
    throw err;
  }
}
