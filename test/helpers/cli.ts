/** Runs the command line entry (cli/main.ts) as `kawaraban <args>` and captures what it prints. */
import { mkdtempSync, writeFileSync } from 'node:fs';
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

/**
 * For a test file whose tests share one stack: registers the hooks that make it and point the CLI
 * at it (never at a developer's running local stack), hands the stack to `use`, and returns the
 * CLI runner and a folder for the files the tests write.
 */
export function cliWithStack(use: (stack: TestStack) => void) {
  const work = mkdtempSync(join(tmpdir(), 'kawaraban-cli-'));
  let main: (argv: string[]) => Promise<number>;
  beforeAll(async () => {
    process.env.KAWARABAN_LOCAL_DIR = join(work, 'no-local-stack');
    const stack = await createTestStack();
    useStackEnv(stack);
    use(stack);
    ({ main } = await import('../../cli/main.ts'));
  });
  afterEach(() => vi.restoreAllMocks());
  return {
    cli: (...args: string[]) => runCli(main, args),
    work,
    /** Writes `body` (text as it is, anything else as indented JSON) to `name` in the folder; returns its path. */
    writeFile(name: string, body: unknown): string {
      const file = join(work, name);
      writeFileSync(file, typeof body === 'string' ? body : JSON.stringify(body, null, 2));
      return file;
    },
  };
}
