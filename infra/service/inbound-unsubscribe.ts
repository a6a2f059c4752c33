/**
 * The opt-in `mailto:` unsubscribe (context inboundUnsubscribe=true): a receipt rule for exactly
 * the UNSUBSCRIBE_MAILTO recipient (spam and virus scanning on, so the function sees the verdicts;
 * TLS required) whose Lambda action invokes the function asynchronously. The rule set is never
 * activated here: an account has one active rule set, and activating ours would silently switch
 * off whatever receives mail there today. `existingRuleSet` adds the rule to that one instead.
 */
import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sesActions from 'aws-cdk-lib/aws-ses-actions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { deadLetterQueue as newDeadLetterQueue } from '../constructs/dead-letter-queue.ts';
import { KawarabanFunction } from '../constructs/kawaraban-function.ts';
import { subscribersTable } from '../tables.ts';
import type { StatefulResources } from './stateful-resources.ts';

/** What the opt-in `mailto:` unsubscribe adds. */
export interface InboundUnsubscribe {
  fn: KawarabanFunction;
  ruleSet: ses.IReceiptRuleSet;
  rule: ses.ReceiptRule;
  deadLetterQueue: sqs.Queue;
}

export function buildInboundUnsubscribe(
  scope: Construct,
  mailbox: string,
  existingRuleSet: string | undefined,
  stateful: StatefulResources,
  environment: Record<string, string>,
): InboundUnsubscribe {
  const deadLetterQueue = newDeadLetterQueue(scope, 'InboundUnsubscribeDlq');
  const fn = new KawarabanFunction(scope, 'InboundUnsubscribe', {
    entry: 'functions/inbound-unsubscribe.ts',
    description: 'kawaraban: unsubscribe readers who mail the List-Unsubscribe mailto (SES receiving)',
    memorySize: 256,
    timeout: Duration.seconds(30),
    environment,
    deadLetterQueue,
  }).bindSecret(stateful.unsubscribeSecret);
  // Narrower than bindTable(…, 'readwrite'): exactly what the unsubscribe use case does —
  // find the row by id (Query byId, then GetItem) and one conditional UpdateItem. No Put,
  // Delete or Scan, and nothing on the reports table.
  const table = stateful.subscribers.table;
  const byId = subscribersTable.indexes.find((i) => i.indexName === 'byId')!;
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['dynamodb:Query'],
      resources: [`${table.tableArn}/index/${byId.indexName}`],
    }),
  );
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      resources: [table.tableArn],
    }),
  );
  // SES invokes with type Event: Lambda retries a failed run twice (the use case is
  // idempotent), then parks the event in the dead-letter queue, which alarms.
  fn.fn.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6) });

  const ruleSet = existingRuleSet
    ? ses.ReceiptRuleSet.fromReceiptRuleSetName(scope, 'InboundRuleSet', existingRuleSet)
    : new ses.ReceiptRuleSet(scope, 'InboundRuleSet');
  const rule = ruleSet.addRule('UnsubscribeMailto', {
    recipients: [mailbox],
    scanEnabled: true,
    tlsPolicy: ses.TlsPolicy.REQUIRE,
    actions: [
      new sesActions.Lambda({ function: fn.fn, invocationType: sesActions.LambdaInvocationType.EVENT }),
    ],
  });

  const region = Stack.of(scope).region;
  const mailDomain = mailbox.slice(mailbox.lastIndexOf('@') + 1);
  new CfnOutput(scope, 'InboundRuleSetName', {
    value: ruleSet.receiptRuleSetName,
    description: 'SES receipt rule set holding the mailto: unsubscribe rule (not activated by the stack)',
  });
  new CfnOutput(scope, 'InboundMxRecord', {
    value: `${mailDomain}. MX 10 inbound-smtp.${region}.amazonaws.com`,
    description: `DNS record that routes mail for ${mailbox} to SES receiving`,
  });
  if (!existingRuleSet) {
    new CfnOutput(scope, 'InboundActivateCommand', {
      value: `aws ses set-active-receipt-rule-set --region ${region} --rule-set-name ${ruleSet.receiptRuleSetName}`,
      description: 'run once (this deactivates any other active rule set in the account and region)',
    });
  }
  return { fn, ruleSet, rule, deadLetterQueue };
}
