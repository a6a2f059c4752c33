/** Runs the command line entry (cli/main.ts) as `kawaraban <args>` and captures what it prints. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, vi } from 'vitest';
import { createTestStack, useStackEnv, type TestStack } from './stack.ts';

export async function runCli(main: (argv: string[]) => Promise<number>, args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const code = await main(['node', 'kawaraban', ...args]);
  vi.restoreAllMocks();
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/**
 * For a test file whose every test needs tables of its own (every due report in a stack goes
 * to that stack's whole audience): registers the hooks that make a fresh stack per test and
 * point the CLI at it (never at a developer's running local stack), hands each stack to
 * `use`, and returns the CLI runner.
 */
export function cliWithStackPerTest(use: (stack: TestStack) => void) {
  let main: (argv: string[]) => Promise<number>;
  beforeAll(async () => {
    process.env.KAWARABAN_LOCAL_DIR = join(mkdtempSync(join(tmpdir(), 'kawaraban-cli-')), 'no-local-stack');
    ({ main } = await import('../../cli/main.ts'));
  });
  beforeEach(async () => {
    const stack = await createTestStack();
    useStackEnv(stack);
    use(stack);
  });
  afterEach(() => vi.restoreAllMocks());
  return (...args: string[]) => runCli(main, args);
}
