/**
 * Sends the editors' notices (accepted, rejected, paused, sent) to every address in
 * `config.editors`, in the default locale. React-free (emails/notices.ts), so the dispatcher
 * can use it too.
 */
import { renderEditorNotice } from '../../emails/notices.ts';
import type { NewsletterContext } from '../../emails/types.ts';
import type { Config } from '../core/config.ts';
import type { Mailer } from '../core/ports.ts';
import type { EditorNotice, EditorNotifier } from '../core/use-cases/sending-ports.ts';

export function newsletterContext(config: Config): NewsletterContext {
  return {
    newsletterName: config.newsletterName,
    shortName: config.shortName,
    subjectPrefix: config.subjectPrefix,
    sender: config.sender,
    publicBaseUrl: config.publicBaseUrl,
  };
}

export function editorNotifier(mailer: Mailer, config: Config): EditorNotifier {
  const ctx = newsletterContext(config);
  return {
    async notify(notice: EditorNotice) {
      const mail = await renderEditorNotice(notice, config.defaultLocale, ctx);
      await Promise.all(config.editors.map((to) => mailer.send({ to, ...mail, tags: { kind: 'editor' } })));
    },
  };
}
