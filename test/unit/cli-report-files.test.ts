import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { previewFile, printSchema, validateFile } from '../../cli/report-files.ts';
import { UNSUBSCRIBE_TOKEN_PLACEHOLDER } from '../../emails/types.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const sample = join(root, 'examples/sample-report.json');
const invalid = join(root, 'examples/invalid-report.json');
const work = mkdtempSync(join(tmpdir(), 'kawaraban-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
/** The sample under the name an upload needs: `<id>.json`. */
const named = join(work, '2020-09-18-cashless.json');
writeFileSync(named, readFileSync(sample));

let out: string[];
let err: string[];
beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  // The preview reads its newsletter settings from here (not from a developer's .local/).
  vi.stubEnv('KAWARABAN_LOCAL_DIR', work);
  vi.stubEnv('NEWSLETTER_NAME', 'CLIテスト通信');
  vi.stubEnv('PUBLIC_BASE_URL', 'https://cli.example.jp/');
  vi.stubEnv('SENDER_NAME', '株式会社CLIテスト');
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('report validate', () => {
  it('exits 0 with a one-line OK naming id, title and block count', async () => {
    expect(await validateFile(named, 'ja')).toBe(0);
    expect(out).toEqual([
      'OK: 2020-09-18-cashless — キャッシュレス決済サービスの不正利用と、決済事業者を装うフィッシングの増加について（本文 40 ブロック）',
    ]);
    expect(err).toEqual([]);
  });

  it('exits 1 and prints every problem as "<file>:<line>:<column>: <json path>: <reason>" to stderr', async () => {
    expect(await validateFile(invalid, 'ja')).toBe(1);
    expect(out).toEqual([]);
    const problems = err.slice(0, -1);
    expect(problems).toHaveLength(12);
    for (const line of problems) expect(line.startsWith(`${invalid}:`)).toBe(true);
    for (const line of problems) expect(line.slice(invalid.length)).toMatch(/^:\d+:\d+: \$[^ ]*: \S/);
    expect(problems).toContain(`${invalid}:4:15: $.issuedOn: 存在しない日付です（2020-02-30）`);
    expect(problems).toContain(
      `${invalid}:3:3: $.titel: 不明な項目 'titel' です。'title' の書き間違いではありませんか`,
    );
    expect(err.at(-1)).toBe(`${invalid}: 12件の問題があります`);
  });

  it('speaks English with lang en', async () => {
    expect(await validateFile(invalid, 'en')).toBe(1);
    expect(err).toContain(`${invalid}:3:3: $.titel: unknown field 'titel' — did you mean 'title'?`);
    expect(err.at(-1)).toBe(`${invalid}: 12 problems`);
  });

  it('reports a JSON syntax error with its line and column', async () => {
    const file = join(work, 'broken.json');
    writeFileSync(file, '{\n  "id": "x"\n  "title": "y"\n}\n');
    expect(await validateFile(file, 'en')).toBe(1);
    expect(err[0]).toBe(
      `${file}:3:3: $: JSON syntax error at line 3, column 3: expected "," or "}" (a missing comma at the end of the previous line?)`,
    );
  });

  it('checks, as the upload does, that the id is the file name', async () => {
    expect(await validateFile(sample, 'en')).toBe(1);
    expect(err).toEqual([
      `${sample}:3:9: $.id: id "2020-09-18-cashless" does not match the file name "sample-report.json": name the file "2020-09-18-cashless.json"`,
      `${sample}: 1 problem`,
    ]);
  });

  it('refuses a Shift_JIS file, naming the encoding, and reads a UTF-8 file with a BOM', async () => {
    const sjis = join(work, 'sjis.json');
    // {"id":"sjis","title":"脆弱性の報告",…} saved as Shift_JIS.
    writeFileSync(
      sjis,
      Buffer.concat([
        Buffer.from('{\n  "id": "sjis",\n  "title": "'),
        Buffer.from('90c68ee390ab82cc95f18d90', 'hex'),
        Buffer.from('"\n}\n'),
      ]),
    );
    expect(await validateFile(sjis, 'en')).toBe(1);
    expect(err[0]).toMatch(
      new RegExp(
        `^${sjis.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:13: \\$: the file is not UTF-8 \\(most likely Shift_JIS\\)`,
      ),
    );
    err.length = 0;
    const bom = join(work, 'bom', '2020-09-18-cashless.json');
    mkdirSync(join(work, 'bom'), { recursive: true });
    writeFileSync(bom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(sample)]));
    expect(await validateFile(bom, 'en')).toBe(0);
    expect(err).toEqual([]);
  });

  it('exits 1 with a clear message for a missing file or a directory', async () => {
    expect(await validateFile(join(work, 'nope.json'), 'ja')).toBe(1);
    expect(err).toEqual([`ファイルが見つかりません: ${join(work, 'nope.json')}`]);
    err.length = 0;
    expect(await validateFile(work, 'en')).toBe(1);
    expect(err).toEqual([`not a file: ${work}`]);
  });
});

describe('report preview', () => {
  it('writes <id>.html and <id>.txt into the directory (creating it) and prints their paths', async () => {
    const dir = join(work, 'preview', 'nested');
    expect(await previewFile(sample, dir, 'ja')).toBe(0);
    const html = join(dir, '2020-09-18-cashless.html');
    const text = join(dir, '2020-09-18-cashless.txt');
    const subject =
      '【CLIテスト通信】キャッシュレス決済サービスの不正利用と、決済事業者を装うフィッシングの増加について';
    expect(out).toEqual([html, text, `件名: ${subject}`, '件名の長さ: 全角49.5文字（タイトル部分 41文字）']);
    expect(err).toEqual([
      '注意: スマートフォンの受信一覧ではタイトルが全角30文字ほどで切れます。見える部分: 「キャッシュレス決済サービスの不正利用と、決済事業者を装うフ…」',
    ]);
    const h = readFileSync(html, 'utf8');
    const t = readFileSync(text, 'utf8');
    expect(h).toContain('<html dir="ltr" lang="ja">');
    expect(h).toContain('>CLIテスト通信</p>');
    expect(t.startsWith('CLIテスト通信\n配信日: 2020年9月18日\n')).toBe(true);
    expect(t).toContain('発行: 株式会社CLIテスト');
    for (const part of [h, t])
      expect(part).toContain(`https://cli.example.jp/unsubscribe?token=${UNSUBSCRIBE_TOKEN_PLACEHOLDER}`);
  });

  it('renders the English chrome with lang en', async () => {
    const dir = join(work, 'preview-en');
    expect(await previewFile(sample, dir, 'en')).toBe(0);
    expect(readFileSync(join(dir, '2020-09-18-cashless.txt'), 'utf8')).toContain('Issued: 18 September 2020');
  });

  it('refuses an invalid report like validate does, writing nothing', async () => {
    const dir = join(work, 'preview-invalid');
    expect(await previewFile(invalid, dir, 'ja')).toBe(1);
    expect(out).toEqual([]);
    expect(err).toHaveLength(13);
    expect(() => readdirSync(dir)).toThrow();
  });
});

describe('report schema', () => {
  it('prints the JSON Schema', async () => {
    expect(await printSchema()).toBe(0);
    const schema = JSON.parse(out.join('\n'));
    expect(schema.required).toEqual(['id', 'title', 'issuedOn', 'body']);
    expect(schema.additionalProperties).toBe(false);
  });
});

describe('the real `kawaraban` command', () => {
  const run = promisify(execFile);
  const bin = join(root, 'bin/kawaraban.js');

  async function kawaraban(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd: work });
      return { code: 0, stdout, stderr };
    } catch (e) {
      const x = e as { code: number; stdout: string; stderr: string };
      return { code: x.code, stdout: x.stdout, stderr: x.stderr };
    }
  }

  it('validate exits 0 for the sample and 1 for the invalid example', async () => {
    const [ok, bad] = await Promise.all([
      kawaraban('report', 'validate', named),
      kawaraban('report', 'validate', invalid, '--lang', 'en'),
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^OK: 2020-09-18-cashless/);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain(
      '$.references[0].url: the URL must start with http:// or https:// (ftp: is not allowed)\n',
    );
  });
});
