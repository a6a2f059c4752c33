/**
 * A Markdown report → the report format (the same object a JSON report holds), every problem with
 * the Markdown line it is on.
 *
 * 1. Normalise the text: no BOM, line breaks as LF (CRLF and CR files give the same lines).
 * 2. Read the YAML front matter (id, title, issuedOn, sendAt, summary, archive, canary) with its lines.
 * 3. Parse the rest with markdown-it (front matter lines blanked, so token lines are file lines)
 *    and walk the top-level blocks in order: `##` headings, paragraphs, lists and quotes go to the
 *    body; `## 参考URL` and `## 確認されたサイバー攻撃トピック` open their sections; `※` lines
 *    become notes; whatever the format cannot carry is refused with its line.
 * 4. Validate the assembled report with the report schema, and map each issue's JSON path back to
 *    the line it came from (a map kept while converting).
 */
import { reportMessages } from '../../functions/core/report-messages.ts';
import { jsonPath, validateReport } from '../../functions/core/report-parse.ts';
import { suggest } from '../../functions/core/typos.ts';
import type { Report, ReportLang } from '../../functions/core/report-schema.ts';
import { readFrontMatter } from './front-matter.ts';
import { inlineLines, isComment, type InlineProblem } from './inline.ts';
import { markdownMessages, type MarkdownMessages, type Section, type Unsupported } from './messages.ts';
import { inlineLinesOf, inlineOf, referenceItem, sectionOf, startLine, topicItem } from './sections.ts';
import { blockTree, markdownParser, type MdNode } from './tree.ts';

export interface MarkdownProblem {
  /** 1-based line in the Markdown file. */
  line: number;
  message: string;
}

export type MarkdownResult = { ok: true; report: Report } | { ok: false; problems: MarkdownProblem[] };

/** The front matter's keys, in the order they take in the report (as in the JSON schema). */
const FRONT_KEYS = ['id', 'title', 'issuedOn', 'sendAt', 'summary', 'archive', 'canary'] as const;
/** The keys whose value is text: a number or list there is YAML's reading of unquoted text. */
const TEXT_KEYS: readonly string[] = ['id', 'title', 'issuedOn', 'sendAt', 'summary'];

const NOT_IN_BODY: Record<string, Unsupported> = {
  ordered_list_open: 'orderedList',
  fence: 'codeBlock',
  code_block: 'indentedCode',
  table_open: 'table',
  hr: 'rule',
  html_block: 'html',
};

/** One parser for every conversion (the live preview converts on each save). */
let shared: ReturnType<typeof markdownParser> | undefined;
const parser = () => (shared ??= markdownParser());

export function convertMarkdown(text: string, lang: ReportLang = 'ja'): MarkdownResult {
  const m = markdownMessages[lang];
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const front = readFrontMatter(lines, m);
  const builder = new ReportBuilder(m);
  for (const p of front.problems) builder.problem(p.line, p.message);

  const markdown = lines.map((l, i) => (i < front.lineCount ? '' : l)).join('\n');
  for (const node of blockTree(parser().parse(markdown, {}))) builder.block(node);

  // An empty body is named on the line after the front matter, or on its last line when nothing follows.
  const firstBodyLine = Math.min(front.lineCount + 1, lines.length);
  const value: Record<string, unknown> = {};
  for (const key of TEXT_KEYS) {
    if (!(key in front.fields)) continue;
    const v = front.fields[key];
    // A YAML block scalar (`summary: >`) ends in the line break YAML keeps; title and summary are single-line.
    value[key] = typeof v === 'string' ? v.replace(/\n$/, '') : v;
  }
  for (const [key, line] of front.lines) {
    builder.at(jsonPath([key]), line, key);
    // Named against the front matter's own keys (the schema's list would offer body, notes…).
    if (!(FRONT_KEYS as readonly string[]).includes(key)) {
      builder.problem(
        line,
        reportMessages[lang].unknownField(key, suggest(key, FRONT_KEYS), [...FRONT_KEYS]),
      );
    }
  }
  Object.assign(value, builder.sections(firstBodyLine));
  // The switches come last, as in the JSON schema.
  for (const key of FRONT_KEYS)
    if (!TEXT_KEYS.includes(key) && key in front.fields) value[key] = front.fields[key];

  const result = validateReport(value, lang);
  const problems = builder.problems;
  if (result.ok && problems.length === 0) return { ok: true, report: result.report };
  if (!result.ok) {
    for (const issue of result.issues) {
      // Fields of a front matter that could not be read, and an empty body after refused blocks,
      // are already explained by the problems above.
      const topKey = /^\$\.(\w+)$/.exec(issue.path)?.[1];
      if (front.broken && topKey && topKey !== 'body') continue;
      if (issue.path === '$.body' && problems.length > 0) continue;
      const where = builder.lineOf(issue.path, 1);
      // `id: 20200918` or `title: [速報] …`: YAML read a number or a list where text was meant.
      const known = TEXT_KEYS.includes(topKey ?? '');
      const hint =
        known && topKey! in front.fields && typeof front.fields[topKey!] !== 'string' ? m.quoteHint : '';
      const message = `${issue.message}${hint}`;
      problems.push({ line: where.line, message: where.label ? m.field(where.label, message) : message });
    }
  }
  // One message per line and reason: `<b>x</b>` is one HTML problem, not two.
  const unique = new Map(problems.map((p) => [`${p.line}\u0000${p.message}`, p]));
  return { ok: false, problems: [...unique.values()].sort((a, b) => a.line - b.line) };
}

/** The report as it is read, block by block: the body so far, the open section, and the source map. */
class ReportBuilder {
  readonly problems: MarkdownProblem[] = [];
  private readonly body: Record<string, unknown>[] = [];
  private readonly topics: Record<string, unknown>[] = [];
  private readonly references: Record<string, unknown>[] = [];
  private readonly notes: string[] = [];
  private section: Section | 'body' = 'body';
  private readonly sectionLines = new Map<Section, number>();
  /** JSON path → Markdown line (and a field name to show, where the line alone does not say it). */
  private readonly map = new Map<string, { line: number; label?: string }>();
  private readonly inlineProblem: InlineProblem;

  constructor(private readonly m: MarkdownMessages) {
    this.inlineProblem = (line, what) => this.problem(line, m.unsupported(what));
  }

  problem(line: number, message: string): void {
    this.problems.push({ line, message });
  }

  at(path: string, line: number, label?: string): void {
    this.map.set(path, { line, label });
  }

  /** The line of a JSON path, or of its nearest mapped parent; top-level fields are named. */
  lineOf(path: string, fallback: number): { line: number; label?: string } {
    const exact = this.map.get(path);
    if (exact) return exact;
    const topKey = /^\$\.(\w+)$/.exec(path)?.[1];
    for (let p = parentPath(path); p !== null; p = parentPath(p)) {
      const found = this.map.get(p);
      if (found) return { line: found.line, label: topKey };
    }
    return { line: fallback, label: topKey };
  }

  block(node: MdNode): void {
    const token = node.token;
    if (token.type === 'html_block' && isComment(token.content)) return; // an editor's note to self
    const refused = NOT_IN_BODY[token.type];
    if (refused) return this.problem(startLine(token), this.m.unsupported(refused));
    switch (token.type) {
      case 'heading_open':
        return this.heading(node);
      case 'paragraph_open':
        return this.paragraph(node);
      case 'bullet_list_open':
        return this.list(node);
      case 'blockquote_open':
        if (this.section !== 'body')
          return this.problem(startLine(token), this.m.sectionContent(this.section));
        return this.quote(node);
      default:
        // markdown-it emits nothing else at the top level (link definitions leave no token).
        return;
    }
  }

  /** `{ body, topics?, references?, notes? }`, empty sections left out as the JSON would. */
  sections(firstBodyLine: number): Record<string, unknown> {
    this.at('$.body', firstBodyLine, 'body');
    return {
      body: this.body,
      ...(this.topics.length ? { topics: this.topics } : {}),
      ...(this.references.length ? { references: this.references } : {}),
      ...(this.notes.length ? { notes: this.notes } : {}),
    };
  }

  private heading(node: MdNode): void {
    const line = startLine(node.token);
    const level = Number(node.token.tag.slice(1));
    if (level === 1) return this.problem(line, this.m.title1);
    if (level > 2) return this.problem(line, this.m.deepHeading(level));
    const text = inlineLinesOf(node, this.inlineProblem).join('\n');
    const section = sectionOf(text);
    if (section) {
      const first = this.sectionLines.get(section);
      if (first !== undefined) this.problem(line, this.m.duplicateSection(section, first));
      else this.sectionLines.set(section, line);
      this.section = section;
      return;
    }
    this.section = 'body';
    this.pushBlock({ type: 'heading', text }, line);
  }

  /** A paragraph; from its first line starting with ※, the lines are notes. */
  private paragraph(node: MdNode): void {
    const inline = inlineOf(node);
    const lines = inlineLines(inline?.children ?? [], startLine(node.token), this.inlineProblem);
    const isNote = (l: (typeof lines)[number]) => l.text.startsWith('※') && !l.escapedStart;
    const firstNote = lines.findIndex(isNote);
    const prose = firstNote < 0 ? lines : lines.slice(0, firstNote);
    if (prose.length) {
      if (this.section !== 'body') this.problem(prose[0]!.line, this.m.sectionContent(this.section));
      else this.pushBlock({ type: 'paragraph', text: prose.map((l) => l.text).join('\n') }, prose[0]!.line);
    }
    if (firstNote < 0) return;
    for (const l of lines.slice(firstNote)) {
      if (isNote(l)) {
        this.at(jsonPath(['notes', this.notes.length]), l.line);
        this.notes.push(l.text.replace(/^※[\s\u3000]*/, ''));
      } else {
        this.notes[this.notes.length - 1] += `\n${l.text}`;
      }
    }
  }

  private list(node: MdNode): void {
    if (this.section === 'references') return this.sectionList(node, 'references');
    if (this.section === 'topics') return this.sectionList(node, 'topics');
    const index = this.body.length;
    const items: string[] = [];
    for (const item of node.children) {
      this.at(jsonPath(['body', index, 'items', items.length]), startLine(item.token));
      items.push(this.itemText(item));
    }
    this.pushBlock({ type: 'list', items }, startLine(node.token));
  }

  private sectionList(node: MdNode, section: Section): void {
    const entries = section === 'references' ? this.references : this.topics;
    for (const item of node.children) {
      if (this.refuseNested(item)) continue;
      const shaped =
        section === 'references'
          ? referenceItem(item, this.m, this.inlineProblem)
          : topicItem(item, this.m, this.inlineProblem);
      if (!shaped.ok) {
        this.problem(shaped.line, shaped.message);
        continue;
      }
      const index = entries.length;
      this.at(jsonPath([section, index]), startLine(item.token));
      for (const [field, line] of Object.entries(shaped.lines)) {
        if (line !== undefined) this.at(jsonPath([section, index, field]), line as number, field);
      }
      entries.push(shaped.value);
    }
  }

  /** A list item's paragraphs (a blank line between them stays one); anything else is refused. */
  private itemText(item: MdNode): string {
    this.refuseNested(item);
    const parts: string[] = [];
    for (const child of item.children) {
      if (child.token.type === 'paragraph_open')
        parts.push(inlineLinesOf(child, this.inlineProblem).join('\n'));
      else if (child.token.type !== 'bullet_list_open' && child.token.type !== 'ordered_list_open') {
        this.problem(startLine(child.token), this.m.blockInList);
      }
    }
    return parts.join('\n\n');
  }

  /** Nested lists are refused once each, at their own line. */
  private refuseNested(item: MdNode): boolean {
    let nested = false;
    for (const child of item.children) {
      if (child.token.type === 'bullet_list_open' || child.token.type === 'ordered_list_open') {
        this.problem(startLine(child.token), this.m.unsupported('nestedList'));
        nested = true;
      }
    }
    return nested;
  }

  private quote(node: MdNode): void {
    const parts: string[] = [];
    for (const child of node.children) {
      if (child.token.type === 'paragraph_open')
        parts.push(inlineLinesOf(child, this.inlineProblem).join('\n'));
      else this.problem(startLine(child.token), this.m.blockInQuote);
    }
    this.pushBlock({ type: 'quote', text: parts.join('\n\n') }, startLine(node.token));
  }

  private pushBlock(block: Record<string, unknown>, line: number): void {
    this.at(jsonPath(['body', this.body.length]), line);
    this.body.push(block);
  }
}

/** `$.body[3].text` → `$.body[3]` → `$.body` → `$` → null. */
function parentPath(path: string): string | null {
  if (path === '$') return null;
  const cut = path.match(/(\.[A-Za-z_$][\w$]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])$/);
  return cut ? path.slice(0, -cut[0].length) || '$' : '$';
}
