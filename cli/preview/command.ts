/**
 * `kawaraban report preview <file> --serve [--port 3001]`: the live preview. Checks and renders
 * the file, serves the page on 127.0.0.1, and checks again on every save until Ctrl-C.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ReportLang } from '../../functions/core/report-schema.ts';
import { printSubjectFit } from '../preview-subject.ts';
import { type LoadReport, reportLoader } from './load.ts';
import { message } from './messages.ts';
import { previewRenderer } from './render.ts';
import { startPreviewServer, type PreviewServer } from './server.ts';
import { PreviewSession } from './session.ts';
import { watchFile } from './watch.ts';

export interface LivePreview {
  session: PreviewSession;
  server: PreviewServer;
  close(): Promise<void>;
}

/** Starts the preview (also used by the tests); `load` is the file's loader (JSON by default). */
export async function startLivePreview(opts: {
  file: string;
  port: number;
  lang: ReportLang;
  load?: LoadReport;
  debounceMs?: number;
}): Promise<LivePreview> {
  const file = resolve(opts.file);
  const session = new PreviewSession(file, opts.load ?? reportLoader(opts.lang), previewRenderer());
  await session.refresh();
  const server = await startPreviewServer(session, { port: opts.port });
  const watcher = watchFile(file, () => void session.refresh(), opts.debounceMs);
  return {
    session,
    server,
    async close() {
      watcher.close();
      await server.close();
    },
  };
}

export function parsePort(raw: string): number | null {
  if (!/^\d{1,5}$/.test(raw)) return null;
  const n = Number(raw);
  return n >= 1 && n <= 65535 ? n : null;
}

export async function serveFile(file: string, rawPort: string, lang: ReportLang): Promise<number> {
  const port = parsePort(rawPort);
  if (port === null) {
    console.error(message(lang, 'badPort', { port: rawPort }));
    return 2;
  }
  if (!existsSync(file)) {
    console.error(message(lang, 'missing', { file }));
    return 1;
  }
  let preview: LivePreview;
  try {
    preview = await startLivePreview({ file, port, lang });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.error(message(lang, 'portInUse', { port }));
      return 1;
    }
    throw err;
  }
  const printState = () => {
    const s = preview.session.state;
    for (const p of s.problems)
      console.error(
        `${s.file}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ''}` : ''}: ${p.path ? `${p.path}: ` : ''}${p.message}`,
      );
    const mail = s.rendering?.locales[lang];
    if (s.phase === 'ok' && mail) {
      printSubjectFit(mail.fit, lang);
    }
  };
  preview.session.subscribe(printState);
  console.log(message(lang, 'serving', { url: preview.server.url }), message(lang, 'stop'));
  printState();
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await preview.close();
  return 0;
}
