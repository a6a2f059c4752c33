/**
 * What the stacks must guarantee: least-privilege grants, the event sources and schedule that
 * drive the pipeline, the settings that keep sending safe, and tables identical to the ones the
 * local runtime builds from infra/tables.ts.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCanarySettings } from '../../functions/core/canary.ts';
import { loadConfig } from '../../functions/core/config.ts';
import { functionRuntime } from '../../infra/constructs/function-bundling.ts';
import { reputationThresholds } from '../../infra/constructs/monitoring.ts';
import {
  archivePaths,
  httpRoutes,
  stageThrottle,
  subscribeThrottle,
  unsubscribeThrottle,
} from '../../infra/service/http-api.ts';
import { sesEventDetailTypes } from '../../infra/service/triggers.ts';
import { tableDefs, uploadPrefixes, uploadSuffix, type TableDef } from '../../infra/tables.ts';
import { asArray, grantsOfRole, logicalId, statementsOfRole, synthKawaraban, type Synth } from './synth.ts';

let s: Synth;
let ids: {
  subscribers: string;
  reports: string;
  secret: string;
  identity: string;
  configurationSet: string;
  fn: Record<'api' | 'render' | 'dispatch' | 'sesEvents' | 'archive', { fn: string; role: string }>;
};

beforeAll(() => {
  s = synthKawaraban();
  const fnIds = (k: keyof Synth['service']['functions']) => ({
    fn: logicalId(s.service.functions[k].fn),
    role: logicalId(s.service.functions[k].role),
  });
  ids = {
    subscribers: logicalId(s.stateful.subscribers.table),
    reports: logicalId(s.stateful.reports.table),
    secret: logicalId(s.stateful.unsubscribeSecret),
    identity: logicalId(s.stateful.identity),
    configurationSet: logicalId(s.stateful.configurationSet),
    fn: {
      api: fnIds('api'),
      render: fnIds('render'),
      dispatch: fnIds('dispatch'),
      sesEvents: fnIds('sesEvents'),
      archive: fnIds('archive'),
    },
  };
});

const grants = (k: keyof typeof ids.fn) => grantsOfRole(s.serviceTemplate, ids.fn[k].role);
const actionsOn = (k: keyof typeof ids.fn, resourceMarker: string) =>
  new Set(
    grants(k)
      .filter((g) => g.resource.includes(resourceMarker))
      .map((g) => g.action),
  );
const tableWrites = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

describe('tables', () => {
  const tableFor = (def: TableDef) => {
    const tables = s.statefulTemplate.findResources('AWS::DynamoDB::Table');
    const logical = def === tableDefs[0] ? ids.subscribers : ids.reports;
    return tables[logical]!.Properties;
  };

  it.each(tableDefs.map((d) => [d.id, d] as const))(
    '%s has the keys, indexes and TTL of infra/tables.ts',
    (_id, def) => {
      const t = tableFor(def);
      expect(t.KeySchema).toEqual([
        { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
        ...(def.sortKey ? [{ AttributeName: def.sortKey.name, KeyType: 'RANGE' }] : []),
      ]);
      const gsis = (t.GlobalSecondaryIndexes ?? []).map(
        (g: { IndexName: string; KeySchema: unknown; Projection: unknown }) => ({
          IndexName: g.IndexName,
          KeySchema: g.KeySchema,
          Projection: g.Projection,
        }),
      );
      expect(gsis).toEqual(
        def.indexes.map((i) => ({
          IndexName: i.indexName,
          KeySchema: [
            { AttributeName: i.partitionKey.name, KeyType: 'HASH' },
            ...(i.sortKey ? [{ AttributeName: i.sortKey.name, KeyType: 'RANGE' }] : []),
          ],
          Projection: { ProjectionType: i.projection },
        })),
      );
      const keyTypes = new Map<string, string>();
      for (const k of [
        def.partitionKey,
        def.sortKey,
        ...def.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
      ]) {
        if (k) keyTypes.set(k.name, k.type);
      }
      expect(
        new Map(
          t.AttributeDefinitions.map((a: { AttributeName: string; AttributeType: string }) => [
            a.AttributeName,
            a.AttributeType,
          ]),
        ),
      ).toEqual(keyTypes);
      expect(t.TimeToLiveSpecification).toEqual(
        def.timeToLiveAttribute ? { AttributeName: def.timeToLiveAttribute, Enabled: true } : undefined,
      );
    },
  );

  it('are on-demand, point-in-time recoverable, deletion-protected and retained', () => {
    for (const def of tableDefs) {
      expect(tableFor(def)).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      });
    }
    const tables = s.statefulTemplate.findResources('AWS::DynamoDB::Table');
    expect(Object.values(tables).map((t) => t.DeletionPolicy)).toEqual(['Retain', 'Retain']);
  });
});

describe('upload bucket and SES', () => {
  it('is versioned, encrypted, private, TLS-only, logged and expires old versions', () => {
    s.statefulTemplate.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BucketName: Match.anyValue(),
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LoggingConfiguration: Match.objectLike({ DestinationBucketName: Match.anyValue() }),
        LifecycleConfiguration: {
          Rules: Match.arrayWith([Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 90 } })]),
        },
      }),
    });
    s.statefulTemplate.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('verifies the domain with Easy DKIM and publishes every sending event to the default bus', () => {
    s.statefulTemplate.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'example.jp',
      DkimSigningAttributes: { NextSigningKeyLength: 'RSA_2048_BIT' },
      ConfigurationSetAttributes: { ConfigurationSetName: { Ref: ids.configurationSet } },
      MailFromAttributes: { MailFromDomain: 'bounce.example.jp', BehaviorOnMxFailure: 'USE_DEFAULT_VALUE' },
    });
    const dest = Object.values(
      s.statefulTemplate.findResources('AWS::SES::ConfigurationSetEventDestination'),
    );
    expect(dest).toHaveLength(1);
    const d = dest[0]!.Properties.EventDestination;
    expect(JSON.stringify(d.EventBridgeDestination.EventBusArn)).toContain(':event-bus/default');
    expect([...d.MatchingEventTypes].sort()).toEqual(
      ['send', 'delivery', 'bounce', 'complaint', 'reject', 'deliveryDelay', 'renderingFailure'].sort(),
    );
  });

  it('outputs every DNS record deliverability needs: DKIM, the MAIL FROM MX and SPF, a starting DMARC policy', () => {
    const outputs = Object.fromEntries(
      Object.entries(s.statefulTemplate.findOutputs('*')).map(([k, o]) => [k, JSON.stringify(o.Value)]),
    );
    expect(Object.keys(outputs).filter((k) => k.startsWith('DkimRecord'))).toHaveLength(3);
    expect(outputs.MailFromMxRecord).toMatch(/bounce\.example\.jp\. MX 10 feedback-smtp\..*amazonses\.com/);
    expect(outputs.MailFromSpfRecord).toContain(
      'bounce.example.jp. TXT \\"v=spf1 include:amazonses.com ~all\\"',
    );
    expect(outputs.DmarcRecord).toContain('_dmarc.example.jp. TXT \\"v=DMARC1; p=none; rua=mailto:');
    const none = synthKawaraban({ mailFromDomain: 'none' });
    expect(
      none.statefulTemplate.findResources('AWS::SES::EmailIdentity')[ids.identity]!.Properties
        .MailFromAttributes,
    ).toBeUndefined();
    expect(
      Object.keys(none.statefulTemplate.findOutputs('*')).filter((k) => k.startsWith('MailFrom')),
    ).toEqual([]);
  });

  it('serves the API under our own domain when given one: mapped stage, execute-api off, links and outputs there', () => {
    const arn = 'arn:aws:acm:ap-northeast-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000';
    expect(s.serviceTemplate.findResources('AWS::ApiGatewayV2::DomainName')).toEqual({});
    s.serviceTemplate.hasResourceProperties('AWS::ApiGatewayV2::Api', { DisableExecuteApiEndpoint: false });
    const custom = synthKawaraban({ apiDomainName: 'news.example.jp', apiCertificateArn: arn });
    const t = custom.serviceTemplate;
    t.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'news.example.jp',
      DomainNameConfigurations: [
        Match.objectLike({ CertificateArn: arn, SecurityPolicy: 'TLS_1_2', EndpointType: 'REGIONAL' }),
      ],
    });
    t.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', {
      ApiId: { Ref: logicalId(custom.service.httpApi) },
      Stage: Match.anyValue(),
    });
    t.hasResourceProperties('AWS::ApiGatewayV2::Api', { DisableExecuteApiEndpoint: true });
    const apiFn = t.findResources('AWS::Lambda::Function')[logicalId(custom.service.functions.api.fn)]!;
    expect(apiFn.Properties.Environment.Variables.PUBLIC_BASE_URL).toBe('https://news.example.jp');
    const outputs = t.findOutputs('*');
    expect(outputs.ApiUrl!.Value).toBe('https://news.example.jp');
    expect(JSON.stringify(outputs.ApiDomainRecord!.Value)).toContain('news.example.jp. CNAME ');
  });

  it('generates the unsubscribe key in the stack and keeps it', () => {
    s.statefulTemplate.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ GenerateSecretString: Match.objectLike({ PasswordLength: 64 }) }),
    });
    s.statefulTemplate.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
  });
});

describe('grants', () => {
  it('dispatch may read and ConditionCheck subscribers but never write them', () => {
    const onSubscribers = actionsOn('dispatch', ids.subscribers);
    expect(onSubscribers).toContain('dynamodb:ConditionCheckItem');
    expect(onSubscribers).toContain('dynamodb:Query');
    for (const w of tableWrites) expect(onSubscribers).not.toContain(w);
    expect(actionsOn('dispatch', ids.reports)).toContain('dynamodb:UpdateItem');
  });

  it('api cannot touch the reports table or the bucket', () => {
    expect(actionsOn('api', ids.reports).size).toBe(0);
    expect(grants('api').filter((g) => g.action.startsWith('s3:'))).toEqual([]);
    expect(actionsOn('api', ids.subscribers)).toContain('dynamodb:PutItem');
  });

  it('render reads only reports/ and drafts/, writes only rendered/; dispatch reads rendered/ and writes the archive; the archive function only reads it; each lists only what it reads', () => {
    const s3Grants = (k: keyof typeof ids.fn) =>
      grants(k)
        .filter((g) => g.action.startsWith('s3:') && g.action !== 's3:ListBucket')
        .map((g) => `${g.action} ${g.resource.replace(/.*(\/[a-z]+\/\*)"\]\]\}$/, '$1')}`)
        .sort();
    expect(s3Grants('render')).toEqual(
      [
        `s3:GetObject /${uploadPrefixes.drafts}*`,
        `s3:GetObject /${uploadPrefixes.reports}*`,
        `s3:PutObject /${uploadPrefixes.rendered}*`,
      ].sort(),
    );
    expect(s3Grants('dispatch')).toEqual(
      [
        `s3:GetObject /${uploadPrefixes.rendered}*`,
        `s3:GetObject /${uploadPrefixes.archive}*`,
        `s3:PutObject /${uploadPrefixes.archive}*`,
      ].sort(),
    );
    expect(s3Grants('archive')).toEqual([`s3:GetObject /${uploadPrefixes.archive}*`]);
    expect(s3Grants('sesEvents')).toEqual([]);
    expect(s3Grants('api')).toEqual([]);

    // Listing: the bucket itself, only under the prefixes the function reads (S3 answers a missing
    // key with 404 NoSuchKey only to a caller that may list it; 403 AccessDenied otherwise).
    const listed = (k: keyof typeof ids.fn) =>
      statementsOfRole(s.serviceTemplate, ids.fn[k].role)
        .filter((st) => asArray(st.Action).includes('s3:ListBucket'))
        .map((st) => ({
          actions: asArray(st.Action),
          onBucketOnly: asArray(st.Resource).every((r) => !JSON.stringify(r).includes('/')),
          prefixes: asArray(
            (st.Condition as { StringLike?: Record<string, unknown> })?.StringLike?.['s3:prefix'] ?? [],
          ).sort(),
        }));
    expect(listed('render')).toEqual([
      {
        actions: ['s3:ListBucket'],
        onBucketOnly: true,
        prefixes: [`${uploadPrefixes.drafts}*`, `${uploadPrefixes.reports}*`],
      },
    ]);
    const dispatchLists = [`${uploadPrefixes.archive}*`, `${uploadPrefixes.rendered}*`].sort();
    expect(
      listed('dispatch')
        .flatMap((l) => l.prefixes)
        .sort(),
    ).toEqual(dispatchLists);
    expect(listed('dispatch').every((l) => l.onBucketOnly && l.actions.length === 1)).toBe(true);
    expect(listed('archive')).toEqual([
      { actions: ['s3:ListBucket'], onBucketOnly: true, prefixes: [`${uploadPrefixes.archive}*`] },
    ]);
    expect(listed('api')).toEqual([]);
    expect(listed('sesEvents')).toEqual([]);
  });

  it('ses:SendEmail is scoped to the identity and the configuration set, for the three senders only', () => {
    for (const k of ['api', 'render', 'dispatch'] as const) {
      const send = grants(k).filter(
        (g) => g.action === 'ses:SendEmail' && !g.resource.includes(':template/'),
      );
      expect(send).toHaveLength(2);
      expect(send.some((g) => g.resource.includes(':identity/') && g.resource.includes(ids.identity))).toBe(
        true,
      );
      expect(
        send.some(
          (g) => g.resource.includes(':configuration-set/') && g.resource.includes(ids.configurationSet),
        ),
      ).toBe(true);
    }
    expect(grants('sesEvents').filter((g) => g.action.startsWith('ses:'))).toEqual([]);
  });

  it('ses:SendBulkEmail for the newsletter senders only, on the identity, the configuration set and kawaraban- templates', () => {
    const bulk = (k: keyof typeof ids.fn) =>
      grants(k)
        .filter((g) => g.action === 'ses:SendBulkEmail')
        .map((g) => /:(identity|configuration-set|template)\//.exec(g.resource)?.[1] ?? g.resource)
        .sort();
    expect(bulk('dispatch')).toEqual(['configuration-set', 'identity', 'template']);
    for (const k of ['api', 'render', 'sesEvents', 'archive'] as const) expect(bulk(k), k).toEqual([]);
  });

  it('only the dispatcher (and its workers) may create, send by and delete templates, and only kawaraban- ones', () => {
    const onTemplates = (k: keyof typeof ids.fn) =>
      grants(k)
        .filter((g) => g.resource.includes(':template/') || /Template$/.test(g.action))
        // The resource is a Fn::Join of the partition, region and account: keep what follows them.
        .map((g) => `${g.action} ${/:template\/[^"]*/.exec(g.resource)?.[0].slice(1) ?? g.resource}`)
        .sort();
    expect(onTemplates('dispatch')).toEqual([
      'ses:CreateEmailTemplate template/kawaraban-*',
      'ses:DeleteEmailTemplate template/kawaraban-*',
      'ses:SendBulkEmail template/kawaraban-*',
      'ses:SendEmail template/kawaraban-*',
    ]);
    for (const k of ['api', 'render', 'sesEvents', 'archive'] as const) expect(onTemplates(k), k).toEqual([]);
  });

  it('uses Resource "*" only for X-Ray and the dispatcher\'s ses:GetAccount, and never a service wildcard', () => {
    const allowedOnStar = new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']);
    for (const k of Object.keys(ids.fn) as (keyof typeof ids.fn)[]) {
      for (const g of grants(k)) {
        expect(g.action).not.toMatch(/:\*$|^\*$/);
        if (g.resource === '*') {
          const ok = allowedOnStar.has(g.action) || (k === 'dispatch' && g.action === 'ses:GetAccount');
          expect(ok, `${k}: ${g.action} on *`).toBe(true);
        }
      }
    }
    expect(grants('dispatch')).toContainEqual({ action: 'ses:GetAccount', resource: '*' });
  });

  it("the unsubscribe secret is readable by api and dispatch only, and its ARN is in every function's environment", () => {
    for (const k of ['api', 'dispatch'] as const)
      expect(actionsOn(k, ids.secret)).toContain('secretsmanager:GetSecretValue');
    for (const k of ['render', 'sesEvents'] as const) expect(actionsOn(k, ids.secret).size).toBe(0);
    for (const k of Object.keys(ids.fn) as (keyof typeof ids.fn)[]) {
      const fn = s.serviceTemplate.findResources('AWS::Lambda::Function')[ids.fn[k].fn]!;
      expect(JSON.stringify(fn.Properties.Environment.Variables.UNSUBSCRIBE_SECRET_ARN)).toContain(
        ids.secret,
      );
    }
  });

  /** "action on table" / "action on index/<name>" for one function and one table: the sentence a grant says. */
  const sentences = (k: keyof typeof ids.fn, tableId: string) =>
    grants(k)
      .filter((g) => g.resource.includes(tableId))
      .map((g) => {
        const index = /\/index\/([A-Za-z]+)/.exec(g.resource)?.[1];
        return `${g.action} on ${index ? `index/${index}` : 'table'}`;
      })
      .sort();

  it('the internet-facing api function may get, put and update subscriber rows and query byId — no Scan, DeleteItem or batch action', () => {
    expect(sentences('api', ids.subscribers)).toEqual(
      [
        'dynamodb:GetItem on table',
        'dynamodb:PutItem on table',
        'dynamodb:UpdateItem on table',
        'dynamodb:Query on index/byId',
      ].sort(),
    );
    expect(sentences('api', ids.reports)).toEqual([]);
  });

  it('the ses-events function may only get and update subscriber rows, ledger rows and report items', () => {
    const only = ['dynamodb:GetItem on table', 'dynamodb:UpdateItem on table'];
    expect(sentences('sesEvents', ids.subscribers)).toEqual(only);
    expect(sentences('sesEvents', ids.reports)).toEqual(only);
  });

  it('no function that reads untrusted input (api, ses-events) may Scan, delete or batch-write', () => {
    const forbidden = [
      'dynamodb:Scan',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:BatchGetItem',
      'dynamodb:PutItem',
    ];
    for (const k of ['api', 'sesEvents'] as const) {
      const dynamoActions = grants(k)
        .filter((g) => g.action.startsWith('dynamodb:'))
        .map((g) => g.action);
      for (const a of forbidden.filter((x) => !(k === 'api' && x === 'dynamodb:PutItem')))
        expect(dynamoActions, `${k}: ${a}`).not.toContain(a);
    }
  });

  it('ses-events may update subscribers and reports', () => {
    expect(actionsOn('sesEvents', ids.subscribers)).toContain('dynamodb:UpdateItem');
    expect(actionsOn('sesEvents', ids.reports)).toContain('dynamodb:UpdateItem');
  });
});

describe('functions', () => {
  const fnProps = (k: keyof typeof ids.fn) =>
    s.serviceTemplate.findResources('AWS::Lambda::Function')[ids.fn[k].fn]!.Properties;

  it('all run on the newest Node.js runtime, ARM64, traced, logging to their own group', () => {
    for (const k of Object.keys(ids.fn) as (keyof typeof ids.fn)[]) {
      expect(fnProps(k)).toMatchObject({
        Runtime: functionRuntime.name,
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
      });
    }
    expect(functionRuntime.name).toBe('nodejs24.x');
  });

  it('dispatch has reserved concurrency 1 and a budget that ends before the next tick', () => {
    const p = fnProps('dispatch');
    expect(p.ReservedConcurrentExecutions).toBe(1);
    expect(Number(p.Environment.Variables.DISPATCH_BUDGET_MS)).toBeLessThan(60_000);
    expect(p.Timeout * 1000).toBeGreaterThan(Number(p.Environment.Variables.DISPATCH_BUDGET_MS));
  });

  it("a dispatch run's lease outlives the function (only a dead run's lease expires) by seconds, not minutes", () => {
    const p = fnProps('dispatch');
    const leaseMs =
      Number(p.Environment.Variables.DISPATCH_BUDGET_MS) + Number(p.Environment.Variables.LEASE_MARGIN_MS);
    expect(leaseMs).toBeGreaterThan(p.Timeout * 1000);
    expect(leaseMs - p.Timeout * 1000).toBeLessThanOrEqual(30_000);
  });

  it("every function's environment passes loadConfig (tokens replaced by deploy-time stand-ins)", () => {
    for (const k of Object.keys(ids.fn) as (keyof typeof ids.fn)[]) {
      const vars = fnProps(k).Environment.Variables as Record<string, unknown>;
      const env = Object.fromEntries(
        Object.entries(vars).map(([name, v]) => [
          name,
          typeof v === 'string'
            ? v
            : name === 'PUBLIC_BASE_URL'
              ? 'https://abc123.execute-api.ap-northeast-1.amazonaws.com'
              : name.endsWith('_ARN')
                ? 'arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:k-AbCdEf'
                : `resolved-${name.toLowerCase()}`,
        ]),
      );
      const config = loadConfig(env);
      expect(config.unsubscribeSecret).toHaveProperty('arn');
      expect(config.editors).toEqual(['editor@example.jp']);
      expect(config.unsubscribeMailto).toBe('unsubscribe@example.jp');
    }
    // Without a publicBaseUrl the links point at the API's own URL.
    expect(fnProps('api').Environment.Variables.PUBLIC_BASE_URL).toEqual({
      'Fn::GetAtt': [logicalId(s.service.httpApi), 'ApiEndpoint'],
    });
  });

  it('a configured publicBaseUrl and consent policy version reach the functions', () => {
    const custom = synthKawaraban({
      publicBaseUrl: 'https://news.example.jp/',
      consentPolicyVersion: '2025-04',
    });
    const fns = Object.values(custom.serviceTemplate.findResources('AWS::Lambda::Function')).filter((f) =>
      String(f.Properties.Runtime).startsWith('nodejs'),
    );
    // api, render, dispatch, its worker, ses-events, archive.
    expect(fns).toHaveLength(6);
    for (const f of fns) {
      expect(f.Properties.Environment.Variables).toMatchObject({
        PUBLIC_BASE_URL: 'https://news.example.jp',
        CONSENT_POLICY_VERSION: '2025-04',
      });
    }
  });
});

describe('event sources', () => {
  it('every S3 upload under reports/ and drafts/ (only) triggers render: a wrong suffix gets a notice, not silence', () => {
    const notif = Object.values(s.serviceTemplate.findResources('Custom::S3BucketNotifications'));
    expect(notif).toHaveLength(1);
    const configs = notif[0]!.Properties.NotificationConfiguration.LambdaFunctionConfigurations as {
      Events: string[];
      Filter: { Key: { FilterRules: { Name: string; Value: string }[] } };
      LambdaFunctionArn: unknown;
    }[];
    const filters = configs.map((c) => {
      expect(c.Events).toEqual(['s3:ObjectCreated:*']);
      expect(c.LambdaFunctionArn).toEqual({ 'Fn::GetAtt': [ids.fn.render.fn, 'Arn'] });
      return Object.fromEntries(c.Filter.Key.FilterRules.map((r) => [r.Name, r.Value]));
    });
    expect(filters).toEqual([{ prefix: uploadPrefixes.reports }, { prefix: uploadPrefixes.drafts }]);
    s.serviceTemplate.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 's3.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [ids.fn.render.fn, 'Arn'] },
    });
  });

  it('two-person approval (-c approval=true): approvals/*.json also trigger render, which alone may read them; off by default', () => {
    const filtersOf = (t: typeof s.serviceTemplate) =>
      (
        Object.values(t.findResources('Custom::S3BucketNotifications'))[0]!.Properties
          .NotificationConfiguration.LambdaFunctionConfigurations as {
          Filter: { Key: { FilterRules: { Name: string; Value: string }[] } };
        }[]
      ).map((c) => Object.fromEntries(c.Filter.Key.FilterRules.map((r) => [r.Name, r.Value])));
    expect(filtersOf(s.serviceTemplate).map((f) => f.prefix)).not.toContain(uploadPrefixes.approvals);
    const env = (t: typeof s.serviceTemplate, fn: string) =>
      t.findResources('AWS::Lambda::Function')[fn]!.Properties.Environment.Variables;
    expect(env(s.serviceTemplate, ids.fn.render.fn).APPROVAL_REQUIRED).toBe('false');

    const on = synthKawaraban({ approval: 'true' });
    expect(filtersOf(on.serviceTemplate)).toContainEqual({
      prefix: uploadPrefixes.approvals,
      suffix: uploadSuffix,
    });
    expect(env(on.serviceTemplate, logicalId(on.service.functions.render.fn)).APPROVAL_REQUIRED).toBe('true');
    const reads = (k: 'render' | 'dispatch' | 'api' | 'sesEvents') =>
      grantsOfRole(on.serviceTemplate, logicalId(on.service.functions[k].role))
        .filter((g) => g.action === 's3:GetObject' && g.resource.includes(`/${uploadPrefixes.approvals}*`))
        .map((g) => g.action);
    expect(reads('render')).toEqual(['s3:GetObject']);
    for (const k of ['dispatch', 'api', 'sesEvents'] as const) expect(reads(k)).toEqual([]);
  });

  it('the dispatcher ticks every minute and stale ticks are dropped', () => {
    s.serviceTemplate.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [ids.fn.dispatch.fn, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
        }),
      ],
    });
  });

  it('SES events of our configuration set go to ses-events, with retries and a DLQ', () => {
    const rules = Object.values(s.serviceTemplate.findResources('AWS::Events::Rule')).filter(
      (r) => r.Properties.EventPattern,
    );
    expect(rules).toHaveLength(1);
    const { EventPattern: pattern, Targets: targets } = rules[0]!.Properties;
    expect(pattern.source).toEqual(['aws.ses']);
    expect([...pattern['detail-type']].sort()).toEqual(
      [
        'Email Sent',
        'Email Delivered',
        'Email Bounced',
        'Email Complaint Received',
        'Email Rejected',
        'Email Delivery Delayed',
        'Email Rendering Failed',
      ].sort(),
    );
    expect(sesEventDetailTypes).toHaveLength(7);
    expect(JSON.stringify(pattern.detail.mail.tags['ses:configuration-set'])).toContain(ids.configurationSet);
    expect(targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [ids.fn.sesEvents.fn, 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/^SesEventsDlq/), 'Arn'] } },
        RetryPolicy: expect.objectContaining({ MaximumRetryAttempts: expect.any(Number) }),
      }),
    ]);
  });
});

describe('HTTP API', () => {
  it('serves the subscription routes through the api function and the web archive (GET only) through the archive function', () => {
    const routes = Object.values(s.serviceTemplate.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => r.Properties.RouteKey,
    );
    expect(routes.sort()).toEqual(
      [...httpRoutes.map(([m, p]) => `${m} ${p}`), ...archivePaths.map((p) => `GET ${p}`)].sort(),
    );
    for (const fn of [ids.fn.api.fn, ids.fn.archive.fn]) {
      s.serviceTemplate.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
        IntegrationUri: { 'Fn::GetAtt': [fn, 'Arn'] },
      });
    }
    s.serviceTemplate.resourceCountIs('AWS::ApiGatewayV2::Integration', 2);
  });

  it('throttles the stage, more tightly on POST /subscribe, gives POST /unsubscribe a budget of its own, and writes access logs', () => {
    s.serviceTemplate.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: stageThrottle.rateLimit,
        ThrottlingBurstLimit: stageThrottle.burstLimit,
      },
      RouteSettings: {
        'POST /subscribe': {
          ThrottlingRateLimit: subscribeThrottle.rateLimit,
          ThrottlingBurstLimit: subscribeThrottle.burstLimit,
        },
        'POST /unsubscribe': {
          ThrottlingRateLimit: unsubscribeThrottle.rateLimit,
          ThrottlingBurstLimit: unsubscribeThrottle.burstLimit,
        },
      },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('routeKey') },
    });
    expect(subscribeThrottle.rateLimit).toBeLessThan(stageThrottle.rateLimit);
    // Opt-outs have a budget of their own, never smaller than the sign-up route's.
    expect(unsubscribeThrottle.rateLimit).toBeGreaterThan(subscribeThrottle.rateLimit);
    expect(unsubscribeThrottle.burstLimit).toBeGreaterThan(subscribeThrottle.burstLimit);
    const format = JSON.stringify(s.serviceTemplate.findResources('AWS::ApiGatewayV2::Stage'));
    // The query string carries tokens: never logged.
    expect(format).not.toMatch(/querystring|\$context\.path/i);
  });
});

describe('alarms', () => {
  const alarms = () =>
    Object.values(s.serviceTemplate.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
  const topic = () => logicalId(s.service.node.findChild('Monitoring').node.findChild('AlarmTopic'));

  it("watch the account's SES bounce (5 %) and complaint (0.1 %) rates", () => {
    const rep = (metric: string) =>
      alarms().find((a) => a.Namespace === 'AWS/SES' && a.MetricName === metric);
    expect(rep('Reputation.BounceRate')).toMatchObject({
      Threshold: reputationThresholds.bounceRate,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(rep('Reputation.ComplaintRate')).toMatchObject({
      Threshold: reputationThresholds.complaintRate,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(reputationThresholds).toEqual({ bounceRate: 0.05, complaintRate: 0.001 });
    expect(rep('Reputation.BounceRate')!.Dimensions).toBeUndefined();
  });

  it("cover every function's errors, the dispatcher's throttles and duration, and both DLQs, all to the topic", () => {
    const all = alarms();
    const byFunction = (metric: string, fnId: string) =>
      all.filter((a) => a.MetricName === metric && JSON.stringify(a.Dimensions).includes(fnId));
    for (const k of Object.keys(ids.fn) as (keyof typeof ids.fn)[])
      expect(byFunction('Errors', ids.fn[k].fn)).toHaveLength(1);
    expect(byFunction('Throttles', ids.fn.dispatch.fn)).toHaveLength(1);
    const duration = byFunction('Duration', ids.fn.dispatch.fn);
    expect(duration).toHaveLength(1);
    const timeoutMs =
      s.serviceTemplate.findResources('AWS::Lambda::Function')[ids.fn.dispatch.fn]!.Properties.Timeout * 1000;
    expect(duration[0]!.Threshold).toBeLessThan(timeoutMs);
    expect(all.filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible')).toHaveLength(2);
    for (const a of all) expect(a.AlarmActions).toEqual([{ Ref: topic() }]);
  });

  it('email ops only when an alarm address is configured', () => {
    s.serviceTemplate.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = synthKawaraban({ alarmEmail: 'ops@example.jp' });
    withEmail.serviceTemplate.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.jp',
    });
  });
});

describe('parallel fan-out', () => {
  const worker = () => ({
    fn: logicalId(s.service.dispatchWorker.fn),
    role: logicalId(s.service.dispatchWorker.role),
  });
  const workerGrants = () => grantsOfRole(s.serviceTemplate, worker().role);
  const sendingGrants = (g: { action: string; resource: string }[]) =>
    g
      .filter((x) => /^(dynamodb|s3|ses|secretsmanager):/.test(x.action))
      .map((x) => `${x.action} ${x.resource}`)
      .sort();

  it('the dispatch worker may do exactly what the dispatcher does with tables, the bucket, the secret and SES', () => {
    expect(sendingGrants(workerGrants())).toEqual(sendingGrants(grants('dispatch')));
    expect(sendingGrants(workerGrants()).length).toBeGreaterThan(5);
  });

  it('the dispatcher may invoke only the worker and itself (to chain), the worker only itself, and no version wildcard', () => {
    const invokes = (g: { action: string; resource: string }[]) =>
      g.filter((x) => x.action.startsWith('lambda:')).map((x) => x);
    const d = invokes(grants('dispatch'));
    expect(d.map((x) => x.action)).toEqual(['lambda:InvokeFunction', 'lambda:InvokeFunction']);
    expect(d.some((x) => x.resource.includes(worker().fn))).toBe(true);
    expect(d.some((x) => x.resource.includes(ids.fn.dispatch.fn))).toBe(true);
    const w = invokes(workerGrants());
    expect(w).toHaveLength(1);
    expect(w[0]!.resource).toContain(worker().fn);
    for (const x of [...d, ...w]) expect(x.resource).not.toContain(':*');
    for (const g of workerGrants()) {
      expect(g.action).not.toMatch(/:\*$|^\*$/);
      if (g.resource === '*')
        expect(['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'ses:GetAccount']).toContain(g.action);
    }
  });

  it("the dispatcher is told the worker's name; workers are not reserved, and a failed launch is left to the next tick", () => {
    const fns = s.serviceTemplate.findResources('AWS::Lambda::Function');
    expect(
      JSON.stringify(fns[ids.fn.dispatch.fn]!.Properties.Environment.Variables.DISPATCH_WORKER_FUNCTION),
    ).toContain(worker().fn);
    expect(fns[worker().fn]!.Properties.ReservedConcurrentExecutions).toBeUndefined();
    expect(fns[worker().fn]!.Properties).toMatchObject({
      Runtime: functionRuntime.name,
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
    });
    const configs = Object.values(s.serviceTemplate.findResources('AWS::Lambda::EventInvokeConfig')).map(
      (c) => c.Properties,
    );
    expect(configs).toContainEqual(
      expect.objectContaining({ FunctionName: { Ref: worker().fn }, MaximumRetryAttempts: 0 }),
    );
  });
});

describe('the canary', () => {
  const env = (logical: string) =>
    s.serviceTemplate.findResources('AWS::Lambda::Function')[logical]!.Properties.Environment
      .Variables as Record<string, string>;
  const canaryVars = (vars: Record<string, string>) =>
    Object.fromEntries(Object.entries(vars).filter(([k]) => k.startsWith('CANARY_')));

  it('the dispatcher and its workers carry the same canary settings, the defaults unless the context says otherwise; no other function has them', () => {
    const dispatch = canaryVars(env(ids.fn.dispatch.fn));
    expect(canaryVars(env(logicalId(s.service.dispatchWorker.fn)))).toEqual(dispatch);
    expect(loadCanarySettings(dispatch)).toEqual(loadCanarySettings({}));
    expect(Object.keys(dispatch).sort()).toEqual([
      'CANARY_ENABLED',
      'CANARY_MAX_SIZE',
      'CANARY_MIN_AUDIENCE',
      'CANARY_MIN_SIZE',
      'CANARY_SHARE',
      'CANARY_WAIT_MINUTES',
    ]);
    for (const k of ['api', 'render', 'sesEvents', 'archive'] as const)
      expect(canaryVars(env(ids.fn[k].fn)), k).toEqual({});
  });

  it('the context sets them (canary=false turns it off; the wait, share and bounds pass through)', () => {
    const other = synthKawaraban({
      canary: 'false',
      canaryWaitMinutes: '60',
      canaryShare: '0.02',
      canaryMinSize: '100',
      canaryMaxSize: '2000',
      canaryMinAudience: '5000',
    });
    const vars = other.serviceTemplate.findResources('AWS::Lambda::Function')[
      logicalId(other.service.functions.dispatch.fn)
    ]!.Properties.Environment.Variables as Record<string, string>;
    expect(loadCanarySettings(canaryVars(vars))).toMatchObject({
      enabled: false,
      waitMs: 3_600_000,
      share: 0.02,
      minSize: 100,
      maxSize: 2000,
      minAudience: 5000,
    });
  });
});
