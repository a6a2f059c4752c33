/**
 * Settings read from the environment when a function loads, through a zod schema: a missing or
 * bad value throws one message that names every variable at fault and why (STYLE: config is
 * checked at load, a missing value names itself).
 */
import type * as z from './zod.ts';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** `heading` opens the message, e.g. "kawaraban configuration is invalid". */
export function parseEnv<S extends z.ZodMiniType>(
  schema: S,
  env: Record<string, string | undefined>,
  heading: string,
): z.output<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`${heading}:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
