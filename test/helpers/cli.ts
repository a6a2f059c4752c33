/** Runs the command line entry (cli/main.ts) as `kawaraban <args>` and captures what it prints. */
import { vi } from 'vitest';

export async function runCli(main: (argv: string[]) => Promise<number>, args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const code = await main(['node', 'kawaraban', ...args]);
  vi.restoreAllMocks();
  return { code, out: out.join('\n'), err: err.join('\n') };
}
