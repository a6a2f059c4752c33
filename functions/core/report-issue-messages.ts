/**
 * A zod issue met while validating a report, as the reason an editor reads (report-messages.ts
 * holds the words in each language): which rule of the schema it broke, named in the editor's terms.
 */
import type * as z from 'zod';
import type { ReportMessages, ValueKind } from './report-messages.ts';
import { clip } from './clip.ts';
import { BLOCK_TYPES, NOT_BLANK, REPORT_ID_PATTERN, SINGLE_LINE } from './report-schema.ts';

/** Values quoted back in messages are cut short: the message is about the field, not the text. */
const quoted = (value: string) => clip(value, 40, '…');

type RawIssue = z.core.$ZodRawIssue;

export function messageFor(iss: RawIssue, m: ReportMessages): string {
  const input = iss.input;
  switch (iss.code) {
    case 'invalid_type':
      return input === undefined ? m.required : m.wrongType(kindOfExpected(iss.expected), kindOf(input));
    case 'too_small':
      return iss.origin === 'array' ? m.tooFewItems(Number(iss.minimum)) : m.blank;
    case 'too_big': {
      const actual = typeof input === 'string' || Array.isArray(input) ? input.length : 0;
      return iss.origin === 'array'
        ? m.tooManyItems(Number(iss.maximum), actual)
        : m.tooLong(Number(iss.maximum), actual);
    }
    case 'invalid_format':
      return formatMessage(iss.format, iss.pattern, String(input), m);
    case 'invalid_union': {
      if ('discriminator' in iss && iss.discriminator === 'type') {
        const found = input && typeof input === 'object' ? (input as { type?: unknown }).type : undefined;
        return m.blockType(found === undefined ? undefined : quoted(String(found)), [...BLOCK_TYPES]);
      }
      return m.invalid;
    }
    case 'custom': {
      if (iss.params?.kind === 'text') return m.text(iss.params.problem);
      if (iss.params?.kind === 'reservedId') return m.reservedId(quoted(String(input)));
      if (iss.params?.kind === 'httpUrl') {
        const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(String(input))?.[1];
        return scheme && !/^https?$/i.test(scheme) ? m.urlScheme(`${quoted(scheme)}:`) : m.url;
      }
      return m.invalid;
    }
    case 'unrecognized_keys':
      return m.unknownField(iss.keys.join(', '), undefined, []); // replaced per key by validateReport
    default:
      return m.invalid;
  }
}

function formatMessage(
  format: string,
  pattern: string | undefined,
  value: string,
  m: ReportMessages,
): string {
  const v = quoted(value);
  switch (format) {
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(value) ? m.dateNotReal(v) : m.dateFormat(v);
    case 'datetime':
      if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(value)) return m.dateTimeNoOffset(v);
      if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value))
        return m.dateTimeNotReal(v);
      return m.dateTimeFormat(v);
    case 'regex':
      if (pattern === String(REPORT_ID_PATTERN)) return m.reportId;
      if (pattern === String(NOT_BLANK)) return m.blank;
      if (pattern === String(SINGLE_LINE)) return m.singleLine;
      return m.invalid;
    default:
      return m.invalid;
  }
}

function kindOf(value: unknown): ValueKind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'undefined':
      return 'missing';
    default:
      return 'object';
  }
}

function kindOfExpected(expected: string): ValueKind {
  return expected === 'string' ||
    expected === 'number' ||
    expected === 'boolean' ||
    expected === 'array' ||
    expected === 'null'
    ? expected
    : 'object';
}
