/**
 * `kawaraban report upload | status` through the real command line entry (cli/main.ts),
 * against this file's own bucket and tables in the emulators.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { TestStack } from '../helpers/stack.ts';
import { cliWithStack } from '../helpers/cli.ts';
import { sampleReport, uploadedKeys } from '../helpers/uploads.ts';
import { s3, seedReport } from '../helpers/audience.ts';

let stack: TestStack;
const {
  cli,
  work,
  writeFile: writeReport,
} = cliWithStack((s) => {
  stack = s;
});
const examples = join(import.meta.dirname, '../../examples');
const sample = sampleReport;
const keys = () => uploadedKeys(stack);

describe('kawaraban report upload', () => {
  it('uploads a valid report to reports/<id>.json, byte for byte', async () => {
    const file = writeReport('weekly.json', { ...sample, id: 'cli-weekly' });
    const { code, out } = await cli('report', 'upload', file);
    expect(code).toBe(0);
    expect(out).toContain(`s3://${stack.env.UPLOAD_BUCKET}/reports/cli-weekly.json`);
    expect(out).toContain('npx kawaraban report status cli-weekly');
    const object = await s3.send(
      new GetObjectCommand({ Bucket: stack.env.UPLOAD_BUCKET, Key: 'reports/cli-weekly.json' }),
    );
    expect(await object.Body!.transformToString()).toBe(readFileSync(file, 'utf8'));
  });

  it('puts a draft under drafts/', async () => {
    const file = writeReport('draft.json', { ...sample, id: 'cli-draft' });
    const { code, out } = await cli('report', 'upload', file, '--draft');
    expect(code).toBe(0);
    expect(out).toContain(`s3://${stack.env.UPLOAD_BUCKET}/drafts/cli-draft.json`);
    expect(await keys()).toContain('drafts/cli-draft.json');
  });

  it('refuses an invalid file without uploading it, listing every problem', async () => {
    const before = await keys();
    const file = join(examples, 'invalid-report.json');
    const { parseReport } = await import('../../functions/core/report-parse.ts');
    const parsed = parseReport(readFileSync(file, 'utf8'));
    if (parsed.ok) throw new Error('the invalid example must be invalid');

    const { code, err } = await cli('report', 'upload', file);

    expect(code).toBe(1);
    for (const i of parsed.issues) expect(err).toContain(`${i.path}: ${i.message}`);
    expect(err).toContain(`${parsed.issues.length}件の問題があるため、アップロードしませんでした`);
    expect(await keys()).toEqual(before);
  });

  it('refuses a file that is not JSON, and a file that does not exist', async () => {
    const before = await keys();
    const broken = await cli('report', 'upload', writeReport('broken.json', '{ "id": "x", '));
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(/^\S*broken\.json:1:14: \$: /m);
    const missing = await cli('report', 'upload', join(work, 'nope.json'));
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('ファイルが見つかりません');
    expect(await keys()).toEqual(before);
  });

  it('says what to do when no stack is configured', async () => {
    const bucket = process.env.UPLOAD_BUCKET;
    delete process.env.UPLOAD_BUCKET;
    try {
      const { code, err } = await cli(
        'report',
        'upload',
        writeReport('ok.json', { ...sample, id: 'cli-nostack' }),
      );
      expect(code).toBe(1);
      expect(err).toContain('UPLOAD_BUCKET が設定されていません');
    } finally {
      process.env.UPLOAD_BUCKET = bucket;
    }
  });
});

describe('kawaraban report status', () => {
  it('prints the status, the send time and every count', async () => {
    const report = await seedReport(stack, {
      status: 'SENDING',
      sendAt: new Date('2030-04-01T00:00:00Z'),
      extra: {
        counts: {
          audience: 1200,
          sent: 1100,
          delivered: 1000,
          bounced: 7,
          softBounced: 2,
          complained: 1,
          failed: 3,
        },
      },
    });
    const { code, out } = await cli('report', 'status', report.reportId);
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^report\\s+${report.reportId}$`, 'm'));
    expect(out).toMatch(/^status\s+SENDING$/m);
    expect(out).toMatch(/^sendAt\s+2030-04-01T00:00:00\.000Z \(2030-04-01 09:00 JST\)$/m);
    for (const [label, value] of [
      ['audience', '1,200'],
      ['sent', '1,100'],
      ['delivered', '1,000'],
      ['bounced', '7'],
      ['softBounced', '2'],
      ['complained', '1'],
      ['failed', '3'],
    ]) {
      expect(out).toMatch(new RegExp(`^${label}\\s+${value}$`, 'm'));
    }
  });

  it('prints the errors of a rejected report', async () => {
    const report = await seedReport(stack, {
      status: 'REJECTED',
      extra: {
        errors: [
          { path: '$.title', message: '必須です' },
          { path: '$.body', message: '1件以上必要です' },
        ],
      },
    });
    const { code, out } = await cli('report', 'status', report.reportId);
    expect(code).toBe(0);
    expect(out).toMatch(/^status\s+REJECTED$/m);
    expect(out).toContain('  $.title: 必須です');
    expect(out).toContain('  $.body: 1件以上必要です');
  });

  it('exits 1 for an unknown report and for something that is not an id', async () => {
    const unknown = await cli('report', 'status', 'no-such-report');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('報告が見つかりません: no-such-report');
    const bad = await cli('report', 'status', '../Etc');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('報告の id ではありません');
  });
});
