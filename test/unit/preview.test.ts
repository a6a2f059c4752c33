/** The live preview's parts without a browser: subject fit, problem lines, dark scheme, last good kept. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonReportLoader, pathSegments, reportLoader, type LoadResult } from '../../cli/preview/load.ts';
import { forceColorScheme, type Rendering } from '../../cli/preview/render.ts';
import { PreviewSession } from '../../cli/preview/session.ts';
import type { Report } from '../../functions/core/report-schema.ts';

describe('jsonReportLoader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kawaraban-load-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const sample = JSON.parse(readFileSync('examples/sample-report.json', 'utf8')) as Record<string, unknown>;
  const load = async (text: string, lang: 'ja' | 'en' = 'en'): Promise<LoadResult> => {
    const file = join(dir, 'r.json');
    writeFileSync(file, text);
    return jsonReportLoader(lang)(file);
  };

  it('reads a valid report with no problems', async () => {
    const r = await load(JSON.stringify(sample));
    expect(r.problems).toEqual([]);
    expect(r.report?.id).toBe(sample.id);
  });

  it('gives each schema problem the line and column of the field it names', async () => {
    const text = JSON.stringify(
      { ...sample, body: [{ type: 'paragraph', txt: 'x' }], issuedOn: 'soon' },
      null,
      2,
    );
    const lines = text.split('\n');
    const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;
    const r = await load(text);
    expect(r.report).toBeUndefined();
    expect(r.problems).toContainEqual(
      // A wrong value points at the value (functions/core/json-positions.ts).
      expect.objectContaining({ path: '$.issuedOn', line: lineOf('"issuedOn"'), column: 15 }),
    );
    expect(r.problems).toContainEqual(
      expect.objectContaining({ path: '$.body[0].txt', line: lineOf('"txt"') }),
    );
    // A missing field points at the object that lacks it.
    expect(r.problems).toContainEqual(
      expect.objectContaining({ path: '$.body[0].text', line: lineOf('"type": "paragraph"') - 1 }),
    );
  });

  it('gives a syntax error its line, a BOM and an empty file included', async () => {
    const r = await load('\uFEFF{\n  "id": "a",\n  "title" "x"\n}');
    expect(r.problems).toEqual([expect.objectContaining({ line: 3 })]);
    expect((await load('')).problems).toHaveLength(1);
    expect((await load('', 'ja')).problems[0]!.message).toMatch(/JSON/);
  });

  it('names an unreadable file instead of throwing', async () => {
    const r = await jsonReportLoader('ja')(join(dir, 'missing.json'));
    expect(r.problems[0]!.message).toContain('ENOENT');
  });

  it('turns JSON paths back into segments, and refuses anything else', () => {
    expect(pathSegments('$.body[3].text')).toEqual(['body', 3, 'text']);
    expect(pathSegments('$["a b"][0]')).toEqual(['a b', 0]);
    expect(pathSegments('$')).toEqual([]);
    expect(pathSegments('body.text')).toBeNull();
    expect(pathSegments('$.a[')).toBeNull();
  });
});

describe('reportLoader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kawaraban-load-md-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads Markdown through the converter: the same report as the JSON, problems at their .md lines', async () => {
    const md = readFileSync('examples/sample-report.md', 'utf8');
    const fromMd = await reportLoader('ja')('examples/sample-report.md');
    const fromJson = await reportLoader('ja')('examples/sample-report.json');
    expect(fromMd.problems).toEqual([]);
    // The JSON names its schema for editors' tools; the Markdown has no such line.
    expect(fromMd.report).toEqual({ ...fromJson.report, $schema: undefined });
    const file = join(dir, 'bad.md');
    const lines = md.split('\n');
    const at = lines.findIndex((l) => l.startsWith('issuedOn:'));
    lines[at] = 'issuedOn: someday';
    writeFileSync(file, lines.join('\n'));
    const bad = await reportLoader('en')(file);
    expect(bad.report).toBeUndefined();
    expect(bad.problems).toContainEqual(expect.objectContaining({ line: at + 1 }));
    expect((await reportLoader('en')(join(dir, 'missing.md'))).problems[0]!.message).toContain(
      'no such file',
    );
  });
});

describe('forceColorScheme', () => {
  const html =
    '<style>@media (prefers-color-scheme: dark){a{color:#fff}} @media screen and (prefers-color-scheme:light){a{color:#000}}</style>';
  it('turns the dark queries on for dark and off for light, and the light ones the other way', () => {
    expect(forceColorScheme(html, 'dark')).toBe(
      '<style>@media (min-width: 0px){a{color:#fff}} @media screen and (max-width: 0px){a{color:#000}}</style>',
    );
    expect(forceColorScheme(html, 'light')).toBe(
      '<style>@media (max-width: 0px){a{color:#fff}} @media screen and (min-width: 0px){a{color:#000}}</style>',
    );
    expect(forceColorScheme('<p>no styles</p>', 'dark')).toBe('<p>no styles</p>');
  });
});

describe('PreviewSession', () => {
  const report = { id: 'r' } as Report;
  const rendering = (n: number) => ({ reportId: `r${n}` }) as Rendering;

  it('keeps the last good rendering while the file has problems, and clears the problems when fixed', async () => {
    const answers: LoadResult[] = [
      { report, problems: [] },
      { problems: [{ line: 3, message: 'bad' }] },
      { problems: [{ message: 'unreadable' }] },
      { report, problems: [] },
    ];
    let renders = 0;
    const seen: string[] = [];
    const session = new PreviewSession(
      '/r.json',
      async () => answers.shift()!,
      async () => rendering(++renders),
    );
    session.subscribe((s) =>
      seen.push(`${s.version}:${s.phase}:${s.rendering?.reportId ?? '-'}:${s.problems.length}`),
    );
    await session.refresh();
    await session.refresh();
    await session.refresh();
    const last = await session.refresh();
    expect(seen).toEqual(['1:ok:r1:0', '2:invalid:r1:1', '3:invalid:r1:1', '4:ok:r2:0']);
    expect(last.problems).toEqual([]);
  });

  it('reports a renderer that throws as a problem, keeping the last good rendering', async () => {
    let first = true;
    const session = new PreviewSession(
      '/r.json',
      async () => ({ report, problems: [] }),
      async () => {
        if (first) {
          first = false;
          return rendering(1);
        }
        throw new Error('render failed');
      },
    );
    await session.refresh();
    const s = await session.refresh();
    expect(s.phase).toBe('invalid');
    expect(s.problems[0]!.message).toBe('render failed');
    expect(s.rendering?.reportId).toBe('r1');
  });

  it('shares one check among saves that arrive while one is under way', async () => {
    let loads = 0;
    const session = new PreviewSession(
      '/r.json',
      async () => {
        loads++;
        await new Promise((r) => setTimeout(r, 20));
        return { report, problems: [] };
      },
      async () => rendering(loads),
    );
    const all = await Promise.all([
      session.refresh(),
      session.refresh(),
      session.refresh(),
      session.refresh(),
    ]);
    expect(loads).toBe(2);
    expect(all.at(-1)!.version).toBe(2);
  });
});
