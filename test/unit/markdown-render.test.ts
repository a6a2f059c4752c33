/**
 * A report written in Markdown reaches readers exactly as the JSON it stands for: the sample in
 * both forms renders to byte-identical HTML, text and Subject, in both chromes, proof or not.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadReportSource } from '../../cli/report-source.ts';
import { previewContext } from '../../emails/preview-data.ts';
import { renderReportEmail } from '../../emails/render.ts';

const examples = new URL('../../examples/', import.meta.url);

describe('examples/sample-report.md and examples/sample-report.json', () => {
  it('render to byte-identical emails', async () => {
    const fromMd = await loadReportSource(new URL('sample-report.md', examples).pathname);
    const fromJson = await loadReportSource(new URL('sample-report.json', examples).pathname);
    expect(fromMd).toMatchObject({ format: 'markdown', problems: [] });
    expect(fromJson).toMatchObject({ format: 'json', problems: [] });
    for (const locale of ['ja', 'en'] as const) {
      for (const proof of [false, true]) {
        const a = await renderReportEmail(fromMd.report!, previewContext, locale, { proof });
        const b = await renderReportEmail(fromJson.report!, previewContext, locale, { proof });
        expect(a.html).toBe(b.html);
        expect(a.text).toBe(b.text);
        expect(a.subject).toBe(b.subject);
      }
    }
    // Not two empty renderings that happen to agree.
    const mail = await renderReportEmail(fromMd.report!, previewContext, 'ja');
    const json = JSON.parse(readFileSync(new URL('sample-report.json', examples), 'utf8'));
    expect(mail.html).toContain(json.references.at(-1).url);
    expect(mail.text).toContain(json.notes.at(-1));
  });
});
