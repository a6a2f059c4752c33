/**
 * What every command module gets from main.ts: the texts of the chosen language (help is
 * written with them), and `run`, which runs a command's body and keeps its exit code.
 * Each body is imported lazily, so `--help` or `report validate` never pays for the AWS SDK.
 */
import type { CliLang, CliText } from '../i18n/index.ts';

export interface CommandKit {
  lang: CliLang;
  t: CliText;
  run(body: () => Promise<number>): Promise<void>;
}

/** Statuses are accepted in any case: `sent`, `Sent` and `SENT` are one status. */
export const upper = (s: string | undefined) => s?.toUpperCase();
export const lower = (s: string | undefined) => s?.toLowerCase();
