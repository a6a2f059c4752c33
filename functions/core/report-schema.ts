/**
 * The report file: the editor's contract (DESIGN §4), as one strict zod schema.
 *
 * Unknown fields are errors, so a typo such as "titel" never passes silently. Nothing is
 * normalised: a valid report comes out exactly as it went in, and the same schema is exported as
 * JSON Schema for editors' tools. Reading a file against it, with every problem at its JSON path
 * and line, is report-parse.ts; the reasons in the editor's language, report-issue-messages.ts.
 */
import * as z from 'zod';
import { ARCHIVE_RESERVED_IDS } from './report.ts';
import { checkText, type TextKind } from './text-rules.ts';

export type ReportLang = 'ja' | 'en';

/** Also used for S3 keys (`reports/<id>.json`) and table keys: keep it URL- and key-safe. */
export const REPORT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

export function isReportId(value: string): boolean {
  return REPORT_ID_PATTERN.test(value);
}

/** Generous limits: they stop runaway files and pasted garbage, not real reports. */
export const REPORT_LIMITS = {
  title: 200,
  summary: 300,
  blocks: 400,
  paragraph: 5000,
  heading: 200,
  quote: 5000,
  listItems: 100,
  listItem: 2000,
  topics: 50,
  topicTitle: 200,
  topicDetail: 2000,
  references: 100,
  referenceSource: 200,
  referenceTitle: 300,
  url: 2048,
  notes: 50,
  note: 1000,
} as const;

export const NOT_BLANK = /\S/;
export const SINGLE_LINE = /^[^\r\n]*$/;
const HTTP_URL_SHAPE = /^https?:\/\/[^\s]+$/i;

/** The character rules of text-rules.ts as a zod check: one issue, naming the character and where it is. */
const charsAllowed = (kind: TextKind) => (value: string, ctx: z.RefinementCtx) => {
  const problem = checkText(value, kind);
  // A CR or LF in a single-line field is already reported by the SINGLE_LINE pattern (kept for editors' tools).
  if (!problem || (problem.kind === 'lineBreak' && (problem.char === '\n' || problem.char === '\r'))) return;
  ctx.addIssue({ code: 'custom', params: { kind: 'text', problem }, input: value });
};

const text = (max: number) => z.string().max(max).regex(NOT_BLANK).superRefine(charsAllowed('body'));
const line = (max: number) =>
  z.string().max(max).regex(NOT_BLANK).regex(SINGLE_LINE).superRefine(charsAllowed('line'));

/** YYYY-MM-DD that exists on the calendar (2020-02-30 is rejected). */
const date = () => z.iso.date();

/** Spaces, controls and invisible characters in a URL: the link would differ from what the reader sees. */
const URL_HIDDEN = /[\p{Cc}\p{Cf}\p{Z}\p{Default_Ignorable_Code_Point}]/u;

function isHttpUrl(value: string): boolean {
  if (!HTTP_URL_SHAPE.test(value) || URL_HIDDEN.test(value)) return false;
  try {
    return new URL(value).hostname !== '';
  } catch {
    return false;
  }
}

const httpUrl = z
  .string()
  .max(REPORT_LIMITS.url)
  .superRefine(charsAllowed('line'))
  .refine(isHttpUrl, { params: { kind: 'httpUrl' } })
  .meta({ format: 'uri', pattern: '^https?://' });

const paragraph = z.strictObject({
  type: z.literal('paragraph'),
  text: text(REPORT_LIMITS.paragraph).meta({
    description: '本文。URL はリンクになり、改行はそのまま残る / text; URLs become links',
  }),
});
const heading = z.strictObject({
  type: z.literal('heading'),
  text: line(REPORT_LIMITS.heading),
});
const list = z.strictObject({
  type: z.literal('list'),
  items: z.array(text(REPORT_LIMITS.listItem)).min(1).max(REPORT_LIMITS.listItems),
});
const quote = z.strictObject({
  type: z.literal('quote'),
  text: text(REPORT_LIMITS.quote),
});

export const BLOCK_TYPES = ['paragraph', 'heading', 'list', 'quote'] as const;
const block = z.discriminatedUnion('type', [paragraph, heading, list, quote]);

const topic = z.strictObject({
  date: date(),
  title: line(REPORT_LIMITS.topicTitle),
  detail: text(REPORT_LIMITS.topicDetail).optional(),
});

const reference = z.strictObject({
  source: line(REPORT_LIMITS.referenceSource).meta({ description: '発信元 / publisher' }),
  date: date(),
  title: line(REPORT_LIMITS.referenceTitle),
  url: httpUrl,
});

export const reportSchema = z
  .strictObject({
    // Lets an editor's tool (VS Code and the like) find the schema; the pipeline ignores it.
    $schema: z
      .string()
      .max(2048)
      .superRefine(charsAllowed('line'))
      .optional()
      .meta({
        description:
          "エディタ用のスキーマの場所（配信には使われません） / where editors' tools find this schema; ignored when sending",
        examples: ['./report.schema.json'],
      }),
    id: z
      .string()
      .regex(REPORT_ID_PATTERN)
      .refine((id) => !ARCHIVE_RESERVED_IDS.includes(id), { params: { kind: 'reservedId' } })
      .meta({
        description: 'レポートID（英小文字・数字・ハイフン） / report id, unique',
        examples: ['2020-09-18-cashless'],
      }),
    title: line(REPORT_LIMITS.title).meta({ description: '件名と見出し / subject and heading' }),
    issuedOn: date().meta({ description: '配信日（ヘッダーに表示） / issue date shown in the header' }),
    sendAt: z.iso
      .datetime({ offset: true })
      .optional()
      .meta({
        description: '配信日時（時差付き）。省略時はすぐ / send time with UTC offset; absent = next tick',
        examples: ['2020-09-18T09:00:00+09:00'],
      }),
    summary: line(REPORT_LIMITS.summary)
      .optional()
      .meta({ description: '受信箱のプレビュー文 / inbox preview text' }),
    body: z.array(block).min(1).max(REPORT_LIMITS.blocks),
    topics: z
      .array(topic)
      .max(REPORT_LIMITS.topics)
      .optional()
      .meta({ description: '【確認されたサイバー攻撃トピック】' }),
    references: z
      .array(reference)
      .max(REPORT_LIMITS.references)
      .optional()
      .meta({ description: '【参考URL】' }),
    notes: z
      .array(text(REPORT_LIMITS.note))
      .max(REPORT_LIMITS.notes)
      .optional()
      .meta({ description: '※ 注記 / footnotes' }),
    archive: z.boolean().optional().meta({
      description:
        'false: Web版（アーカイブ・フィード）に載せない / false: keep it out of the web archive and feed',
    }),
    canary: z.boolean().optional().meta({
      description:
        'true: 読者数にかかわらず、まず一部の読者に送り反応を見てから残りに送る / false: 一部への先行送信をしない / true: send to a sample first and the rest after its bounces and complaints are judged, whatever the audience; false: no sample first',
    }),
  })
  .meta({ title: 'kawaraban report', description: 'かわら版のレポートファイル / a kawaraban report file' });

export type Report = z.infer<typeof reportSchema>;
export type ReportBlock = Report['body'][number];
export type ReportTopic = NonNullable<Report['topics']>[number];
export type ReportReference = NonNullable<Report['references']>[number];
/** The report format as JSON Schema (draft 2020-12), for editors' tools and `kawaraban report schema`. */
export function reportJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(reportSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
}
