/**
 * Two-person approval on the reports table: the one conditional update that moves a report
 * from AWAITING_APPROVAL to SCHEDULED (functions/core/use-cases/approve-report.ts).
 */
import type { Dynamo } from './aws/lean/dynamo-port.ts';
import { REPORT_ITEM } from '../core/report.ts';
import type { ApprovalStore } from '../core/use-cases/approve-report.ts';
import { unlessConditionFails } from './dynamo-conflicts.ts';
import { dynamoReportStore } from './dynamo-report-store.ts';

export function dynamoApprovalStore(doc: Dynamo, table: string): ApprovalStore {
  const reports = dynamoReportStore(doc, table);
  return {
    get: (reportId) => reports.get(reportId),

    async approve(reportId, contentHash, approver, now) {
      const out = await unlessConditionFails(() =>
        doc.update({
          TableName: table,
          Key: { reportId, item: REPORT_ITEM },
          UpdateExpression:
            'SET #status = :scheduled, approvedBy = :who, approvedAt = :now, updatedAt = :now',
          // Every check approve-report.ts made, again at the write: a re-upload or a second
          // approval landing in between wins or loses whole.
          ConditionExpression:
            '#status = :awaiting AND contentHash = :hash AND (attribute_not_exists(uploadedBy) OR uploadedBy <> :who)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':scheduled': 'SCHEDULED',
            ':awaiting': 'AWAITING_APPROVAL',
            ':hash': contentHash,
            ':who': approver,
            ':now': now.toISOString(),
          },
        }),
      );
      return out !== null;
    },
  };
}
