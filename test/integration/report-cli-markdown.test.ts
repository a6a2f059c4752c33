/**
 * `kawaraban report upload <file.md>` through the real command line entry, against this file's own
 * bucket in the emulators: a Markdown report goes up as the JSON it converts to, an invalid one not at all.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { parseReport } from '../../functions/core/report-parse.ts';
import { s3 } from '../helpers/audience.ts';
import { cliWithStack } from '../helpers/cli.ts';
import { sampleReport, uploadedKeys } from '../helpers/uploads.ts';
import type { TestStack } from '../helpers/stack.ts';

let stack: TestStack;
const { cli, writeFile: writeMd } = cliWithStack((s) => {
  stack = s;
});
const sampleMd = readFileSync(join(import.meta.dirname, '../../examples/sample-report.md'), 'utf8');
const keys = () => uploadedKeys(stack);

describe('kawaraban report upload <file.md>', () => {
  it('uploads the converted report as reports/<id>.json, which the pipeline reads as the sample', async () => {
    const file = writeMd('weekly.md', sampleMd.replace('id: 2020-09-18-cashless', 'id: md-weekly'));
    const { code, out } = await cli('report', 'upload', file);
    expect(code).toBe(0);
    expect(out).toContain(`s3://${stack.env.UPLOAD_BUCKET}/reports/md-weekly.json`);
    const object = await s3.send(
      new GetObjectCommand({ Bucket: stack.env.UPLOAD_BUCKET, Key: 'reports/md-weekly.json' }),
    );
    const parsed = parseReport(await object.Body!.transformToString());
    const { $schema: _, ...expected }: Record<string, unknown> = { ...sampleReport, id: 'md-weekly' };
    expect(parsed).toEqual({ ok: true, report: expected });
  });

  it('--draft puts it under drafts/', async () => {
    const file = writeMd('draft.md', sampleMd.replace('id: 2020-09-18-cashless', 'id: md-draft'));
    expect((await cli('report', 'upload', file, '--draft')).code).toBe(0);
    expect(await keys()).toContain('drafts/md-draft.json');
  });

  it('refuses an invalid Markdown file with its lines, uploading nothing', async () => {
    const before = await keys();
    const file = writeMd(
      'bad.md',
      sampleMd
        .replace('id: 2020-09-18-cashless', 'id: md-bad')
        .replace('## 2. 攻撃の流れ', '### 2. 攻撃の流れ'),
    );
    const line = sampleMd.split('\n').indexOf('## 2. 攻撃の流れ') + 1;
    const { code, err } = await cli('report', 'upload', file);
    expect(code).toBe(1);
    expect(err).toContain(`${file}:${line}: 「### 」の見出しは使えません`);
    expect(err).toContain('1件の問題があるため、アップロードしませんでした');
    expect(await keys()).toEqual(before);
  });
});
