/** The bundling step that lets the SDK's schema tables tree-shake (infra/sdk-schema-keys.ts). */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { literalSchemaKeys, sdkSchemaKeys } from '../../infra/sdk-schema-keys.ts';

const require = createRequire(import.meta.url);
const clients = ['client-dynamodb', 'client-sesv2', 'client-s3', 'client-lambda', 'client-secrets-manager'];
const schemaSource = (client: string) =>
  readFileSync(
    join(dirname(require.resolve(`@aws-sdk/${client}/package.json`)), 'dist-es/schemas/schemas_0.js'),
    'utf8',
  );

describe('literalSchemaKeys', () => {
  it('writes a computed key naming a string constant as that string, and leaves anything else alone', () => {
    const source = [
      'const _h = "http";',
      'const n = 3;',
      'export var Op$ = [9, { [_h]: ["POST", "/x", 200] }, { [n]: 1 }, { [_missing]: 2 }];',
    ].join('\n');
    expect(literalSchemaKeys(source)).toBe(
      [
        'const _h = "http";',
        'const n = 3;',
        'export var Op$ = [9, { "http": ["POST", "/x", 200] }, { [n]: 1 }, { [_missing]: 2 }];',
      ].join('\n'),
    );
  });

  it.each(clients)('@aws-sdk/%s: no computed key is left, and only keys change', (client) => {
    const source = schemaSource(client);
    const out = literalSchemaKeys(source);
    expect(source).toMatch(/\[_\w+\]:/);
    expect(out).not.toMatch(/\[_\w+\]:/);
    // Every other character is where it was: remove the keys from both and they are equal.
    expect(out.replace(/"\w+":/g, '')).toBe(source.replace(/\[_\w+\]:/g, '').replace(/"\w+":/g, ''));
  });

  it.each(['client-sesv2', 'client-s3'])(
    '@aws-sdk/%s: every schema is the same value after the step',
    async (client) => {
      const dir = mkdtempSync(join(os.tmpdir(), 'kawaraban-schema-keys-'));
      try {
        const bundle = async (file: string, plugins: (typeof sdkSchemaKeys)[]) => {
          await build({
            stdin: {
              contents: `export * from '@aws-sdk/${client}/dist-es/schemas/schemas_0.js';`,
              resolveDir: process.cwd(),
            },
            outfile: join(dir, file),
            bundle: true,
            platform: 'node',
            format: 'esm',
            logLevel: 'silent',
            plugins,
          });
          const schemas = (await import(pathToFileURL(join(dir, file)).href)) as Record<string, unknown>;
          // Thunks (`() => Other$`) compared by their text: unminified, both builds name the same schema.
          return JSON.stringify(schemas, (_key, value) =>
            typeof value === 'function' ? String(value) : value,
          );
        };
        const [before, after] = [await bundle('before.mjs', []), await bundle('after.mjs', [sdkSchemaKeys])];
        expect(after.length).toBeGreaterThan(10_000);
        // The step ran on one build only.
        expect(readFileSync(join(dir, 'before.mjs'), 'utf8')).toMatch(/\[_h\]:/);
        expect(readFileSync(join(dir, 'after.mjs'), 'utf8')).not.toMatch(/\[_\w+\]:/);
        expect(after).toBe(before);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
