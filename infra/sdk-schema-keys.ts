/**
 * An esbuild plugin that lets the AWS SDK clients' schema tables tree-shake. Each client's
 * `dist-es/schemas/schemas_0.js` declares every operation of the service as
 * `export var X$ = [9, n0, _X, { [_h]: ["POST", "/v2/…", 200] }, …]`; esbuild keeps any statement
 * with a computed key (it cannot know `_h` has no side effect when turned into a key), so every
 * operation's schema, and the ~800 names they reference, stay in a bundle that sends one command
 * (~45 KiB for SES v2, ~60 KiB for S3, ~40 KiB for Lambda). Writing each computed key whose name is
 * one of the file's own `const _x = "…"` strings as that string literal means the same object and
 * lets the unused operations go. A hand-written step because neither esbuild nor the SDK offers one.
 */
import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';

const SCHEMA_FILE =
  /[\\/]node_modules[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;
const STRING_CONST = /^const (_\w+) = ("[^"\\\n]*");$/gm;
const COMPUTED_KEY = /\[(_\w+)\]:/g;

/** The file with each `[_name]:` key whose `_name` is a top-level string constant written as that string. */
export function literalSchemaKeys(source: string): string {
  const strings = new Map<string, string>();
  for (const m of source.matchAll(STRING_CONST)) strings.set(m[1]!, m[2]!);
  return source.replace(COMPUTED_KEY, (key, name: string) => {
    const value = strings.get(name);
    return value === undefined ? key : `${value}:`;
  });
}

export const sdkSchemaKeys: Plugin = {
  name: 'kawaraban-sdk-schema-keys',
  setup(build) {
    build.onLoad({ filter: SCHEMA_FILE }, async ({ path }) => ({
      contents: literalSchemaKeys(await readFile(path, 'utf8')),
      loader: 'js',
    }));
  },
};
