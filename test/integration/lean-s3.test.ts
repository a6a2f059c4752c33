/**
 * The lean S3 client (functions/adapters/aws/lean/s3.ts) against s3rver: keys of every kind
 * round-trip and read back the same through the SDK's client (the reference), headers and
 * metadata, errors named as the SDK names them. On a loopback stub, what s3rver cannot show: the
 * signatures (s3rver does not check V4 ones; the SDK's own signer does here), addressing on AWS,
 * retries.
 */
import { createHash, randomBytes } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3 } from '../../functions/adapters/aws/s3.ts';
import {
  bucketLocation,
  encodeKey,
  leanS3,
  objectLocation,
  parseListing,
} from '../../functions/adapters/aws/lean/s3.ts';
import { AwsError } from '../../functions/adapters/aws/lean/errors.ts';
import { s3BlobStore } from '../../functions/adapters/s3-blob-store.ts';
import { ensureBucket } from '../../local/tables.ts';
import { awsStub, type StubAnswer } from '../helpers/aws-stub.ts';
import { checkSignature } from '../helpers/sigv4-check.ts';

const sdk = new S3Client({ forcePathStyle: true });
const bucket = `t-${randomBytes(5).toString('hex')}-lean-s3`;

beforeAll(() => ensureBucket(sdk, bucket));
afterAll(() => sdk.destroy());

/**
 * Keys an editor or a report id could make: Japanese, spaces, `+`, `~`, slashes,
 * RFC 3986's reserved set, `%`. Empty and `.`/`..` segments only in the signature checks: s3rver
 * cannot store them (through the SDK either).
 */
const KEYS = [
  'reports/2020-09-18-cashless.json',
  'reports/日本語のレポート 第1号.json',
  'drafts/a+b c~d/e.json',
  "archive/ja/!'()*&$@=;:,?#[].html",
  'rendered/100%/%41%2F.json',
  'reports/ＡＢＣ　全角スペース.json',
  'emoji/🍣.txt',
];

describe('lean S3 against s3rver', () => {
  it.each(KEYS)(
    '%s: put and get round-trip, and the SDK reads the same object under the same key',
    async (key) => {
      const body = `本文 ${key}`;
      await s3.putObject({ Bucket: bucket, Key: key, Body: body, ContentType: 'text/plain; charset=utf-8' });
      const out = await s3.getObject({ Bucket: bucket, Key: key });
      expect(out.Body.toString('utf8')).toBe(body);
      const seen = await sdk.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      expect(await seen.Body!.transformToString()).toBe(body);
      const listed = await sdk.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key }));
      expect(listed.Contents?.map((o) => o.Key)).toContain(key);
    },
  );

  it('stores bytes as given (a Uint8Array that is a view into a larger buffer) and gives them back as a Buffer', async () => {
    const whole = new Uint8Array(300).map((_, i) => i % 256);
    const view = whole.subarray(10, 266);
    await s3.putObject({ Bucket: bucket, Key: 'bin/all-bytes', Body: view });
    const out = await s3.getObject({ Bucket: bucket, Key: 'bin/all-bytes' });
    expect(Buffer.isBuffer(out.Body)).toBe(true);
    expect([...out.Body]).toEqual([...view]);
    expect(out.ContentLength).toBe(256);
    expect(out.ContentType).toBe('application/octet-stream');
  });

  it('writes content type, cache control and metadata as the SDK reads them, and reads them back alike', async () => {
    const key = 'approvals/meta.json';
    const put = await s3.putObject({
      Bucket: bucket,
      Key: key,
      Body: '{}',
      ContentType: 'application/json; charset=utf-8',
      CacheControl: 'public, max-age=300',
      Metadata: { 'Kawaraban-Editor': encodeURIComponent('山田 花子'), plain: 'x' },
    });
    expect(put.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    const reference = await sdk.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    const head = await s3.headObject({ Bucket: bucket, Key: key });
    expect(head).toMatchObject({
      ContentType: reference.ContentType,
      ContentLength: reference.ContentLength,
      CacheControl: 'public, max-age=300',
      ETag: put.ETag,
      Metadata: reference.Metadata,
    });
    expect(head.Metadata).toEqual({ 'kawaraban-editor': encodeURIComponent('山田 花子'), plain: 'x' });
    expect(head.LastModified?.getTime()).toBe(reference.LastModified?.getTime());
    const got = await s3.getObject({ Bucket: bucket, Key: key });
    expect(got.Metadata).toEqual(head.Metadata);
  });

  it('names errors as the SDK does: NoSuchKey on GET, NotFound for a HEAD (no body), NoSuchBucket; none retried', async () => {
    const missing = await s3.getObject({ Bucket: bucket, Key: 'no/such key' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(AwsError);
    expect(missing).toMatchObject({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404, attempts: 1 } });
    const reference = (await sdk
      .send(new HeadObjectCommand({ Bucket: bucket, Key: 'no/such key' }))
      .catch((e: unknown) => e)) as Error;
    expect(reference.name).toBe('NotFound');
    const head = await s3.headObject({ Bucket: bucket, Key: 'no/such key' }).catch((e: unknown) => e);
    expect(head).toMatchObject({ name: reference.name, $metadata: { httpStatusCode: 404 } });
    const noBucket = await s3.getObject({ Bucket: `${bucket}-gone`, Key: 'x' }).catch((e: unknown) => e);
    expect(noBucket).toMatchObject({ name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } });
  });

  it('serves the blob store: NoSuchKey passes through by name, text is strict UTF-8', async () => {
    const blobs = s3BlobStore(s3, bucket);
    await blobs.putText('rendered/x.json', '{"a":"あ"}', 'application/json');
    expect(await blobs.getText('rendered/x.json')).toBe('{"a":"あ"}');
    const head = await sdk.send(new HeadObjectCommand({ Bucket: bucket, Key: 'rendered/x.json' }));
    expect(head.ContentType).toBe('application/json; charset=utf-8');
    await expect(blobs.getText('rendered/none.json')).rejects.toMatchObject({ name: 'NoSuchKey' });
    await s3.putObject({ Bucket: bucket, Key: 'bad.txt', Body: new Uint8Array([0xff, 0xfe]) });
    await expect(blobs.getText('bad.txt')).rejects.toThrow();
  });

  it('lists every key under a prefix and nothing beside it, with the ETags PutObject answered', async () => {
    const prefix = `list-${randomBytes(3).toString('hex')}/`;
    const keys = [
      `${prefix}a.json`,
      `${prefix}日本語 第2号.json`,
      `${prefix}b+c~d.json`,
      `${prefix}sub/e.json`,
      `${prefix}f&g.json`,
    ];
    const etags = new Map<string, string | undefined>();
    for (const key of keys)
      etags.set(
        key,
        (await s3.putObject({ Bucket: bucket, Key: key, Body: key, ContentType: 'text/plain' })).ETag,
      );
    await s3.putObject({
      Bucket: bucket,
      Key: `${prefix.slice(0, -1)}-other.json`,
      Body: 'x',
      ContentType: 'text/plain',
    });
    // One page: s3rver cannot continue a listing on this Node (its continuation tokens use DES,
    // which OpenSSL 3 no longer offers), so paging is checked below on a port that pages.
    const listed = await s3.listObjects({ Bucket: bucket, Prefix: prefix });
    expect(listed.IsTruncated).toBe(false);
    const seen = listed.Contents;
    expect(seen.map((o) => o.Key).sort()).toEqual([...keys].sort());
    for (const o of seen) expect(o.ETag).toBe(etags.get(o.Key));
    // The blob store's listing pages through all of them, as the SDK lists them.
    const viaStore = await s3BlobStore(s3, bucket).list(prefix);
    const viaSdk = await sdk.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    expect(viaStore.map((l) => `${l.key} ${l.etag}`).sort()).toEqual(
      (viaSdk.Contents ?? []).map((o) => `${o.Key} ${o.ETag}`).sort(),
    );
    expect(await s3.listObjects({ Bucket: bucket, Prefix: `${prefix}none/` })).toEqual({
      Contents: [],
      IsTruncated: false,
    });
  });

  it("the blob store's listing follows continuation tokens to the last page", async () => {
    const requests: (string | undefined)[] = [];
    const pages: Record<
      string,
      { Contents: { Key: string; ETag: string }[]; IsTruncated: boolean; NextContinuationToken?: string }
    > = {
      start: { Contents: [{ Key: 'p/1', ETag: '"1"' }], IsTruncated: true, NextContinuationToken: 't2' },
      t2: { Contents: [{ Key: 'p/2', ETag: '"2"' }], IsTruncated: true, NextContinuationToken: 't3' },
      t3: { Contents: [{ Key: 'p/3', ETag: '"3"' }], IsTruncated: false },
    };
    const paging = {
      ...s3,
      listObjects: async (input: { ContinuationToken?: string }) => {
        requests.push(input.ContinuationToken);
        return pages[input.ContinuationToken ?? 'start']!;
      },
    };
    expect(await s3BlobStore(paging, bucket).list('p/')).toEqual([
      { key: 'p/1', etag: '"1"' },
      { key: 'p/2', etag: '"2"' },
      { key: 'p/3', etag: '"3"' },
    ]);
    expect(requests).toEqual([undefined, 't2', 't3']);
  });

  it('refuses an empty key or bucket before sending', async () => {
    await expect(s3.getObject({ Bucket: bucket, Key: '' })).rejects.toThrow(/bucket and a key/);
    await expect(s3.headObject({ Bucket: '', Key: 'x' })).rejects.toThrow(/bucket and a key/);
  });
});

describe('S3 keys and addresses', () => {
  it("reads a listing's keys and ETags with XML entities, numeric references included, and its continuation", () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>b</Name><IsTruncated>true</IsTruncated>' +
      '<Contents><Key>a/&lt;x&gt; &amp; &#39;y&#39; &#x65E5;.json</Key><ETag>&quot;abc&quot;</ETag><Size>3</Size></Contents>' +
      '<Contents><Key>a/b.json</Key><ETag>"def"</ETag></Contents><NextContinuationToken>t&amp;1</NextContinuationToken></ListBucketResult>';
    expect(parseListing(xml)).toEqual({
      Contents: [
        { Key: "a/<x> & 'y' 日.json", ETag: '"abc"' },
        { Key: 'a/b.json', ETag: '"def"' },
      ],
      IsTruncated: true,
      NextContinuationToken: 't&1',
    });
  });

  it('addresses a bucket for a listing as it addresses its objects', () => {
    const region = () => 'ap-northeast-1';
    expect(bucketLocation('kawaraban-uploads-1a2b', { region })).toEqual({
      host: 'https://kawaraban-uploads-1a2b.s3.ap-northeast-1.amazonaws.com',
      path: '/',
    });
    expect(bucketLocation('uploads', { endpoint: 'http://127.0.0.1:4568', region })).toEqual({
      path: '/uploads',
    });
    expect(() => bucketLocation('', { region })).toThrow(/needs a bucket/);
  });

  it('encodes every byte but the unreserved characters, keeping slashes', () => {
    expect(encodeKey('a b+c~d/日本.json')).toBe('a%20b%2Bc~d/%E6%97%A5%E6%9C%AC.json');
    expect(encodeKey("!'()*")).toBe('%21%27%28%29%2A');
    expect(encodeKey('100%/x')).toBe('100%25/x');
    expect(encodeKey('/lead//double/')).toBe('/lead//double/');
  });

  it('puts the bucket in the host on AWS, in the path on an endpoint, and in the path for a dotted name', () => {
    const region = () => 'ap-northeast-1';
    expect(objectLocation({ Bucket: 'kawaraban-uploads-1a2b', Key: 'reports/あ.json' }, { region })).toEqual({
      host: 'https://kawaraban-uploads-1a2b.s3.ap-northeast-1.amazonaws.com',
      path: '/reports/%E3%81%82.json',
    });
    expect(
      objectLocation({ Bucket: 'uploads', Key: 'a b' }, { endpoint: 'http://127.0.0.1:4568', region }),
    ).toEqual({ path: '/uploads/a%20b' });
    expect(objectLocation({ Bucket: 'my.bucket', Key: 'k' }, { region })).toEqual({ path: '/my.bucket/k' });
  });
});

describe('lean S3 faults (loopback stub)', () => {
  const stub = (answers: StubAnswer[]) =>
    awsStub(answers, (n) => ({ 'content-type': 'application/xml', 'x-amz-request-id': `req-${n}` }));

  const noWait = { maxAttempts: 3, sleep: async () => {}, random: () => 0.5 };
  const slowDown =
    '<?xml version="1.0"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>';

  it('retries SlowDown and a 500, then succeeds; signs the payload hash', async () => {
    const { url, seen } = await stub([{ status: 503, body: slowDown }, { status: 500 }, { status: 200 }]);
    const client = leanS3({ endpoint: url }, noWait);
    await client.putObject({ Bucket: 'b', Key: 'k+1', Body: 'abc' });
    expect(seen).toHaveLength(3);
    expect(seen[0]).toMatchObject({ method: 'PUT', url: '/b/k%2B1' });
    // SHA-256 of "abc".
    expect(seen[0]!.headers['x-amz-content-sha256']).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it.each([...KEYS, 'reports//double/slash.json', 'deep/./a/../b.json'])(
    '%s: signed as AWS checks it (the SDK’s signer computes the same signature)',
    async (key) => {
      const { url, seen } = await stub([{ status: 200, headers: { etag: '"e"' } }]);
      const secret = 'lean-s3-test-secret';
      const client = leanS3({
        endpoint: url,
        region: 'ap-northeast-1',
        credentials: () => ({
          accessKeyId: 'AKIDLEANS3',
          secretAccessKey: secret,
          sessionToken: 'session/token+=',
        }),
      });
      const body = `本文 ${key}`;
      await client.putObject({
        Bucket: 'b',
        Key: key,
        Body: body,
        ContentType: 'text/html; charset=utf-8',
        CacheControl: 'max-age=60',
        Metadata: { 'kawaraban-editor': '%E5%B1%B1%E7%94%B0' },
      });
      await client.getObject({ Bucket: 'b', Key: key });
      await client.headObject({ Bucket: 'b', Key: key });
      expect(seen.map((r) => r.method)).toEqual(['PUT', 'GET', 'HEAD']);
      for (const req of seen) {
        expect(req.url).toBe(`/b/${encodeKey(key)}`);
        const hash = createHash('sha256').update(req.body).digest('hex');
        expect(req.headers['x-amz-content-sha256']).toBe(hash);
        const check = await checkSignature(req, secret);
        expect(check).toMatchObject({ service: 's3', region: 'ap-northeast-1', valid: true });
        expect(check.signedHeaders).toEqual(
          expect.arrayContaining(['host', 'x-amz-content-sha256', 'x-amz-date']),
        );
      }
      expect(seen[0]!.body.toString('utf8')).toBe(body);
      expect(seen[0]!.headers).toMatchObject({
        'cache-control': 'max-age=60',
        'x-amz-meta-kawaraban-editor': '%E5%B1%B1%E7%94%B0',
        'x-amz-security-token': 'session/token+=',
      });
      // A wrong secret does not pass the same check (the check can fail).
      expect((await checkSignature(seen[0]!, 'another-secret')).valid).toBe(false);
    },
  );

  it.each([
    ['archive/entries/', undefined],
    ['レポート 第1号/a+b~c/', '1/a+b=c/d=='],
  ])(
    'a listing of %s (continuation %s) is signed as AWS checks it, its query included',
    async (prefix, token) => {
      const listing = '<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>';
      const { url, seen } = await stub([{ status: 200, body: listing }]);
      const secret = 'lean-s3-list-secret';
      const client = leanS3({
        endpoint: url,
        region: 'ap-northeast-1',
        credentials: () => ({ accessKeyId: 'AKIDLEANS3', secretAccessKey: secret }),
      });
      await expect(
        client.listObjects({ Bucket: 'b', Prefix: prefix, ContinuationToken: token, MaxKeys: 500 }),
      ).resolves.toEqual({ Contents: [], IsTruncated: false });
      const req = seen[0]!;
      const [path, query] = req.url.split('?');
      expect(path).toBe('/b');
      const params = new URLSearchParams(query);
      expect(Object.fromEntries(params)).toEqual({
        'list-type': '2',
        prefix,
        'max-keys': '500',
        ...(token ? { 'continuation-token': token } : {}),
      });
      expect(query).not.toContain('+'); // a space is %20 and a plus %2B, as S3 decodes them
      expect(await checkSignature(req, secret)).toMatchObject({ service: 's3', valid: true });
      expect((await checkSignature(req, 'another-secret')).valid).toBe(false);
    },
  );

  it('gives up after the policy’s attempts with the last error, named and counted', async () => {
    const { url, seen } = await stub([{ status: 503, body: slowDown }]);
    const err = await leanS3({ endpoint: url }, noWait)
      .getObject({ Bucket: 'b', Key: 'k' })
      .catch((e: unknown) => e);
    expect(seen).toHaveLength(3);
    expect(err).toMatchObject({
      name: 'SlowDown',
      message: 'Please reduce your request rate.',
      $metadata: { httpStatusCode: 503, attempts: 3, requestId: 'req-3' },
      $fault: 'server',
    });
  });
});
