/**
 * What the edge's WebACL (edge-waf.ts) does with a request: per-client rate rules on sign-ups and
 * on everything, AWS managed rule groups, and the 429 a blocked client reads, in both languages.
 */
import type * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { en } from '../../functions/http/i18n/en.ts';
import { ja } from '../../functions/http/i18n/ja.ts';

/**
 * Requests per client address in WAF's 5-minute window. Sign-ups (POST /subscribe, and POST
 * /confirm, which carries "send me a new link") are tight: the function itself allows 20 per 10
 * minutes per client, so a client above 50 per 5 minutes is a flood, dropped before it costs a
 * Lambda run or a DynamoDB write. Everything else (pages, confirm links that corporate link
 * scanners fetch) is loose. /unsubscribe is never counted (see edgeRules).
 */
export const edgeRateLimits = {
  signUp: { limit: 50, evaluationWindowSec: 300 },
  global: { limit: 1_000, evaluationWindowSec: 300 },
} as const;

/** AWS managed rule groups, in evaluation order (no subscription fee; each is billed as one rule). */
export const edgeManagedRuleGroups = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesCommonRuleSet',
] as const;

/** Seconds a client blocked by a rate rule is told to wait (WAF re-evaluates the rate continuously). */
const rateBlockRetryAfter = 300;

/**
 * Path match that survives the spellings API Gateway and the function treat as the same route
 * (percent-encoding, case in the WAF's view, a trailing slash): over-matching only counts more.
 */
function pathStartsWith(path: string): wafv2.CfnWebACL.StatementProperty {
  return {
    byteMatchStatement: {
      fieldToMatch: { uriPath: {} },
      positionalConstraint: 'STARTS_WITH',
      searchString: path,
      textTransformations: [
        { priority: 0, type: 'URL_DECODE' },
        { priority: 1, type: 'LOWERCASE' },
      ],
    },
  };
}

const isPost: wafv2.CfnWebACL.StatementProperty = {
  byteMatchStatement: {
    fieldToMatch: { method: {} },
    positionalConstraint: 'EXACTLY',
    searchString: 'POST',
    textTransformations: [{ priority: 0, type: 'NONE' }],
  },
};

export const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

const tooManyRequests: wafv2.CfnWebACL.RuleActionProperty = {
  block: {
    customResponse: {
      responseCode: 429,
      customResponseBodyKey: 'tooManyRequests',
      responseHeaders: [{ name: 'Retry-After', value: String(rateBlockRetryAfter) }],
    },
  },
};

/**
 * The rules, first match wins:
 * 0. /unsubscribe (the RFC 8058 one-click POST and the page) is allowed before anything else is
 *    looked at: mail providers send readers' one-clicks from a few addresses of their own (all of
 *    a company's, all of Gmail's), so no per-address rate, reputation list or body rule may ever
 *    stand between a reader and an opt-out. Its own API Gateway route budget still bounds it.
 * 1. sign-ups per client (tight), 2. everything else per client (loose), both answering 429;
 * 3–5. the managed groups, blocking with WAF's default 403.
 */
export function edgeRules(): wafv2.CfnWebACL.RuleProperty[] {
  const rules: wafv2.CfnWebACL.RuleProperty[] = [
    {
      name: 'AllowOptOuts',
      priority: 0,
      statement: pathStartsWith('/unsubscribe'),
      action: { allow: {} },
      visibilityConfig: visibility('AllowOptOuts'),
    },
    {
      name: 'SignUpRatePerClient',
      priority: 1,
      statement: {
        rateBasedStatement: {
          aggregateKeyType: 'IP',
          ...edgeRateLimits.signUp,
          scopeDownStatement: {
            andStatement: {
              statements: [
                isPost,
                { orStatement: { statements: [pathStartsWith('/subscribe'), pathStartsWith('/confirm')] } },
              ],
            },
          },
        },
      },
      action: tooManyRequests,
      visibilityConfig: visibility('SignUpRatePerClient'),
    },
    {
      name: 'RatePerClient',
      priority: 2,
      statement: { rateBasedStatement: { aggregateKeyType: 'IP', ...edgeRateLimits.global } },
      action: tooManyRequests,
      visibilityConfig: visibility('RatePerClient'),
    },
  ];
  edgeManagedRuleGroups.forEach((name, i) => {
    rules.push({
      name,
      priority: 3 + i,
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      overrideAction: { none: {} },
      visibilityConfig: visibility(name),
    });
  });
  return rules;
}

/** Both languages in one plain-text body: WAF answers before anything knows the reader's language. */
export function tooManyRequestsBody(): string {
  const minutes = Math.round(rateBlockRetryAfter / 60);
  return [
    ja.rateLimited.title,
    ja.rateLimited.body(minutes),
    '',
    en.rateLimited.title,
    en.rateLimited.body(minutes),
    '',
  ].join('\n');
}
