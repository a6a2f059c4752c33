/**
 * What validating an upload costs: `parseReport` (JSON.parse, then the strict zod schema with
 * every problem collected) against a bare `JSON.parse` of the same file. Here ours is expected
 * to be slower; the ratio is the price of validation.
 */
import { parseReport } from '../functions/core/report-parse.ts';
import type { BenchCase } from './runner.ts';

export function validateCase(opts: { text: string; iterations: number; file: string }): BenchCase {
  const { text, iterations } = opts;
  const check = parseReport(text, 'en');
  if (!check.ok)
    throw new Error(
      `${opts.file} is not a valid report: ${check.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    );
  // Every result is used, so no parse can be optimised away.
  // biome-ignore lint/correctness/noUnusedVariables: written only, so the timed work cannot be optimised away
  let sink = 0;
  return {
    title: `validate: ${opts.file} (${(Buffer.byteLength(text) / 1024).toFixed(1)} KiB), ${iterations} times per run`,
    unit: 'report',
    baseline: {
      label: 'JSON.parse only',
      async run() {
        for (let i = 0; i < iterations; i++) sink += (JSON.parse(text) as { body: unknown[] }).body.length;
        return iterations;
      },
    },
    ours: {
      label: 'parseReport (JSON.parse + strict schema)',
      async run() {
        for (let i = 0; i < iterations; i++) {
          const r = parseReport(text, 'en');
          if (!r.ok) throw new Error('parseReport refused a report it accepted before');
          sink += r.report.body.length;
        }
        return iterations;
      },
    },
  };
}
