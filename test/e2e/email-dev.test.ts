/**
 * `npm run email:dev`: React Email's own preview server on emails/. Its sidebar lists the two
 * templates and none of the helper folders, and the report template previews the sample report.
 * Runs the script's own command (on a free port) with the installed react-email and @react-email/ui.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/ports.ts';

const root = join(import.meta.dirname, '../..');
const script: string = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts['email:dev'];
const sample = JSON.parse(readFileSync(join(root, 'examples/sample-report.json'), 'utf8'));

describe('npm run email:dev', () => {
  let server: ChildProcess;
  let base: string;
  const log: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    base = `http://localhost:${port}`;
    const args = script.split(' ');
    expect(args.slice(0, 4)).toEqual(['email', 'dev', '--dir', 'emails']);
    const withPort = [...args.slice(1, args.indexOf('--port')), '--port', String(port)];
    // Its own process group, so the Next.js server it starts is stopped with it.
    server = spawn(join(root, 'node_modules/.bin/email'), withPort, {
      cwd: root,
      detached: true,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', CI: '1' },
    });
    server.stdout!.on('data', (d) => log.push(String(d)));
    server.stderr!.on('data', (d) => log.push(String(d)));
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(base)).ok) break;
      } catch {
        // not listening yet
      }
      if (i > 240 || server.exitCode !== null) throw new Error(`email dev did not start:\n${log.join('')}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }, 180_000);

  afterAll(() => {
    if (server?.pid) process.kill(-server.pid, 'SIGTERM');
  });

  it('lists the two templates only: helper folders and modules stay out of the sidebar', async () => {
    const html = await (await fetch(base)).text();
    const previews = [
      ...new Set([...html.matchAll(/\/preview\/([\w./-]+?)["\\?]/g)].map((m) => m[1])),
    ].sort();
    expect(previews).toEqual(['confirmation', 'report']);
  });

  it('previews the report template with the sample report', { timeout: 180_000 }, async () => {
    const html = await (await fetch(`${base}/preview/report`)).text();
    expect(html).toContain(sample.title);
    expect(html).toContain(sample.references[0].url);
  });
});
