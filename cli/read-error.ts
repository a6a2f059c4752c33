/** What the CLI says when it cannot read a file someone named (the texts: cli/i18n, `source`). */
import { cliTexts, type CliLang } from './i18n/index.ts';

export function readErrorText(file: string, err: unknown, lang: CliLang): string {
  const m = cliTexts[lang].source;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return m.missing(file);
  if (code === 'EISDIR') return m.notFile(file);
  return m.unreadable(file, code ?? String(err));
}
