/**
 * The editor's Markdown commands (`report new`, `report convert`, validate / preview of a .md),
 * loadReportSource (the entry the live preview shares), and the Subject fit that preview prints.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ja } from '../../cli/markdown/messages.ts';
import { previewFile, validateFile } from '../../cli/report-files.ts';
import { convertFile, newReport } from '../../cli/report-markdown.ts';
import { formatSourceProblem, loadReportSource } from '../../cli/report-source.ts';
import { fullWidthLength, PHONE_TITLE_FULLWIDTH, reportSubjectFit } from '../../emails/subject-fit.ts';
import { previewContext } from '../../emails/preview-data.ts';
import { renderReportEmail } from '../../emails/render.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const sampleMd = join(root, 'examples/sample-report.md');
const sampleJson = JSON.parse(readFileSync(join(root, 'examples/sample-report.json'), 'utf8'));
delete sampleJson.$schema;
const work = mkdtempSync(join(tmpdir(), 'kawaraban-md-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let out: string[];
let err: string[];
beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out.push(String(s));
    return true;
  });
  vi.stubEnv('KAWARABAN_LOCAL_DIR', work);
  vi.stubEnv('NEWSLETTER_NAME', 'MDテスト通信');
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

function write(name: string, text: string | Buffer): string {
  const file = join(work, name);
  writeFileSync(file, text);
  return file;
}

const BROKEN = '---\nid: broken\ntitle: t\nissuedOn: 2020-09-18\n---\n\n段落\n\n**太字**\n\n| a |\n|---|\n';

describe('report new', () => {
  it('writes a starter <id>.md that validates, and never overwrites it', async () => {
    const file = join(work, 'starter.md');
    expect(
      await newReport('2020-10-01-starter', {
        out: file,
        lang: 'ja',
        today: new Date('2020-09-30T16:00:00Z'),
      }),
    ).toBe(0);
    expect(out[0]).toBe(`作りました: ${file}`);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('id: 2020-10-01-starter\n');
    expect(text).toContain('issuedOn: 2020-10-01\n');
    writeFileSync(file, text.replace('（最初の段落。', '編集者の原稿。'));
    expect(await newReport('2020-10-01-starter', { out: file, lang: 'ja' })).toBe(1);
    expect(err).toEqual([`すでにあります: ${file}（上書きしません）`]);
    expect(readFileSync(file, 'utf8')).toContain('編集者の原稿');
    expect(await validateFile(file, 'ja')).toBe(0);
  });

  it('refuses an id the pipeline cannot use, writing nothing', async () => {
    expect(await newReport('Bad Id', { out: join(work, 'bad.md'), lang: 'en' })).toBe(1);
    expect(err[0]).toMatch(/^not a usable report id: Bad Id/);
    expect(existsSync(join(work, 'bad.md'))).toBe(false);
  });
});

describe('report convert', () => {
  it('writes <id>.json beside the Markdown: the JSON the sample Markdown stands for', async () => {
    const md = write('sample.md', readFileSync(sampleMd));
    expect(await convertFile(md, { lang: 'ja' })).toBe(0);
    const json = join(work, '2020-09-18-cashless.json');
    expect(out).toEqual([`書き出しました: ${json}`]);
    expect(readFileSync(json, 'utf8')).toBe(`${JSON.stringify(sampleJson, null, 2)}\n`);
  });

  it('--out - prints the JSON; --out <file> writes there', async () => {
    expect(await convertFile(sampleMd, { out: '-', lang: 'ja' })).toBe(0);
    expect(JSON.parse(out.join(''))).toEqual(sampleJson);
    const target = join(work, 'elsewhere.json');
    expect(await convertFile(sampleMd, { out: target, lang: 'en' })).toBe(0);
    expect(JSON.parse(readFileSync(target, 'utf8'))).toEqual(sampleJson);
  });

  it('lists every problem as file.md:line: reason and writes nothing', async () => {
    const md = write('broken.md', BROKEN);
    expect(await convertFile(md, { lang: 'ja' })).toBe(1);
    expect(err).toEqual([
      `${md}:9: ${ja.unsupported('strong')}`,
      `${md}:11: ${ja.unsupported('table')}`,
      `${md}: 2件の問題があるため、変換しませんでした`,
    ]);
    expect(existsSync(join(work, 'broken.json'))).toBe(false);
  });
});

describe('validate and preview take a .md', () => {
  it('validate: OK line, or file.md:line problems like convert', async () => {
    expect(await validateFile(sampleMd, 'ja')).toBe(0);
    expect(out).toEqual([
      'OK: 2020-09-18-cashless — キャッシュレス決済サービスの不正利用と、決済事業者を装うフィッシングの増加について（本文 40 ブロック）',
    ]);
    const md = write('broken-v.md', BROKEN);
    expect(await validateFile(md, 'en')).toBe(1);
    expect(err).toEqual([
      `${md}:9: bold (**…**) is not supported (to keep the character as text, write "\\*")`,
      `${md}:11: tables are not supported: use a list or paragraphs`,
      `${md}: 2 problems`,
    ]);
  });

  it('validate: a missing .md, a folder named .md and a file that is not UTF-8 are clear errors', async () => {
    expect(await validateFile(join(work, 'nope.md'), 'ja')).toBe(1);
    expect(err).toEqual([`ファイルが見つかりません: ${join(work, 'nope.md')}`]);
    err.length = 0;
    const latin1 = write(
      'latin1.md',
      Buffer.concat([Buffer.from('---\nid: x\n---\n'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a])]),
    );
    expect(await validateFile(latin1, 'en')).toBe(1);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/:4:4: the file is not UTF-8 \(most likely Latin-1 \(Windows-1252\)\);/);
    expect(err[0]!.startsWith(latin1)).toBe(true);
  });

  it('preview renders the .md, then prints the Subject as sent, its width and the phone warning', async () => {
    const dir = join(work, 'preview');
    expect(await previewFile(sampleMd, dir, 'ja')).toBe(0);
    expect(out.slice(0, 2)).toEqual([
      join(dir, '2020-09-18-cashless.html'),
      join(dir, '2020-09-18-cashless.txt'),
    ]);
    expect(out[2]).toBe(
      '件名: 【MDテスト通信】キャッシュレス決済サービスの不正利用と、決済事業者を装うフィッシングの増加について',
    );
    expect(out[3]).toBe('件名の長さ: 全角49文字（タイトル部分 41文字）');
    expect(err).toHaveLength(1);
    expect(err[0]).toContain('全角30文字');
  });

  it('preview prints no warning for a title a phone shows whole', async () => {
    const short = readFileSync(sampleMd, 'utf8').replace(/^title: .*$/m, 'title: 短いタイトル');
    expect(await previewFile(write('short.md', short), join(work, 'preview-short'), 'en')).toBe(0);
    expect(out[2]).toBe('Subject: [MDテスト通信] 短いタイトル');
    expect(err).toEqual([]);
  });
});

describe('loadReportSource (shared with the live preview)', () => {
  it('JSON problems keep their JSON path; Markdown problems their line', async () => {
    const json = write('bad.json', JSON.stringify({ ...sampleJson, titel: 'x' }));
    const j = await loadReportSource(json, 'en');
    expect(j.format).toBe('json');
    expect(j.report).toBeNull();
    expect(j.problems.map((p) => formatSourceProblem(json, p))).toEqual([
      `${json}:1:6312: $.titel: unknown field 'titel' — did you mean 'title'?`,
    ]);
    const md = write('bad.md', BROKEN);
    const m = await loadReportSource(md);
    expect(m).toMatchObject({ format: 'markdown', report: null });
    expect(m.problems.map((p) => formatSourceProblem(md, p))).toEqual([
      `${md}:9: ${ja.unsupported('strong')}`,
      `${md}:11: ${ja.unsupported('table')}`,
    ]);
  });

  it('.MD and .markdown are Markdown too', async () => {
    const upper = write('UPPER.MD', readFileSync(sampleMd));
    expect(await loadReportSource(upper)).toMatchObject({ format: 'markdown', report: sampleJson });
    const long = write('long.markdown', readFileSync(sampleMd));
    expect(await loadReportSource(long)).toMatchObject({ format: 'markdown', report: sampleJson });
  });
});

describe('reportSubjectFit', () => {
  it('builds the Subject exactly as the render function does, proof or not, in both languages', async () => {
    const report = { ...sampleJson };
    for (const locale of ['ja', 'en'] as const) {
      for (const proof of [false, true]) {
        const mail = await renderReportEmail(report, previewContext, locale, { proof });
        expect(reportSubjectFit(report, previewContext.newsletterName, locale, { proof }).subject).toBe(
          mail.subject,
        );
      }
    }
  });

  it('counts full-width characters as 1 and half-width as ½', () => {
    expect(fullWidthLength('漢字かなカナ')).toBe(6);
    expect(fullWidthLength('ASCII 12')).toBe(4);
    expect(fullWidthLength('ＡＢｱｲ')).toBe(3); // full-width Latin 1, half-width kana ½
    expect(fullWidthLength('【※】')).toBe(3);
    expect(fullWidthLength('')).toBe(0);
  });

  it('fits up to the phone limit, then shows where the title is cut', () => {
    const at = (title: string) => reportSubjectFit({ title }, 'N', 'ja');
    const exact = 'あ'.repeat(PHONE_TITLE_FULLWIDTH);
    expect(at(exact)).toMatchObject({ fits: true, titleWidth: 30, visibleTitle: exact, width: 32.5 });
    expect(at(`${exact}a`)).toMatchObject({
      fits: false,
      titleWidth: 30.5,
      visibleTitle: `${'あ'.repeat(29)}…`,
    });
    expect(at('a'.repeat(60))).toMatchObject({ fits: true, titleWidth: 30 });
    expect(at('a'.repeat(61)).visibleTitle).toBe(`${'a'.repeat(58)}…`);
  });
});
