/**
 * Captures everything the process writes to stdout and stderr (the Powertools logger writes
 * there) from start() to stop(), still passing it through, and sets the logger to DEBUG.
 */
import { logger } from '../../functions/adapters/logger.ts';

export interface LogCapture {
  start(): void;
  stop(): void;
  text(): string;
}

export function captureLogs(): LogCapture {
  const chunks: string[] = [];
  const original = { out: process.stdout.write, err: process.stderr.write };
  const tap = (stream: NodeJS.WriteStream, write: typeof process.stdout.write) =>
    ((chunk: unknown, ...rest: unknown[]) => {
      chunks.push(String(chunk));
      return (write as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
    }) as typeof process.stdout.write;
  return {
    start() {
      logger.setLogLevel('DEBUG');
      process.stdout.write = tap(process.stdout, original.out);
      process.stderr.write = tap(process.stderr, original.err);
    },
    stop() {
      process.stdout.write = original.out;
      process.stderr.write = original.err;
    },
    text: () => chunks.join(''),
  };
}
