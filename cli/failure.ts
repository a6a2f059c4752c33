/** The one line a failed command ends with. */
import type { CliLang } from './i18n/index.ts';

export function describeFailure(err: unknown, _lang: CliLang): string {
  return err instanceof Error ? err.message : String(err);
}
