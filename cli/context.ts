/**
 * What one run of the CLI was asked for, beyond its command: the language of every message,
 * machine-readable output, and which deployment to talk to. main.ts sets it once from the
 * global options before any command runs; commands read it instead of parsing flags again.
 */
import type { CliLang } from './i18n/index.ts';

export interface CliContext {
  lang: CliLang;
  /** `--stack <prefix>` or KAWARABAN_STACK: the deployed stacks to read outputs from. */
  stack?: string;
}

let current: CliContext = { lang: 'ja' };

export function setCliContext(ctx: CliContext): void {
  current = ctx;
}

export function cliContext(): CliContext {
  return current;
}

export const cliLang = (): CliLang => current.lang;
