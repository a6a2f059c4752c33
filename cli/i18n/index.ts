/** The CLI's languages and their texts (one file per language). */
import { en } from './en.ts';
import { ja, type CliText } from './ja.ts';

export type { CliText };
export const CLI_LANGS = ['ja', 'en'] as const;
export type CliLang = (typeof CLI_LANGS)[number];

export const cliTexts: Record<CliLang, CliText> = { ja, en };

export const isCliLang = (value: string): value is CliLang =>
  (CLI_LANGS as readonly string[]).includes(value);
