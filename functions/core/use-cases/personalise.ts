/**
 * The one place a recipient's unsubscribe token goes into the rendered output: the body's
 * placeholder, the List-Unsubscribe headers and the report tags. The dispatcher bundle never
 * renders; it only substitutes.
 */
import { unsubscribeUrl } from '../links.ts';
import type { OutgoingEmail } from '../ports.ts';
import type { RenderedReport } from '../report.ts';
import { REPORT_HEADER } from '../ses-event.ts';
import { unsubscribeToken, type SigningKey } from '../tokens.ts';
import type { DispatchSettings } from './dispatch-due.ts';
import type { Recipient } from './sending-ports.ts';

/** The rendered output with this recipient's unsubscribe token, headers and tags. */
export function personalise(
  rendered: RenderedReport,
  r: Recipient,
  key: SigningKey | Buffer,
  settings: Pick<DispatchSettings, 'publicBaseUrl' | 'unsubscribeMailto'>,
  reportId: string,
): OutgoingEmail {
  const part = rendered.locales[r.locale] ?? rendered.locales.ja;
  const token = unsubscribeToken(key, r.id);
  const { placeholder } = rendered;
  return {
    to: r.email,
    subject: part.subject,
    // Made when read: the SES mailer sends the part it encoded once (`fill`) and never reads them.
    get html() {
      return part.html.replaceAll(placeholder, token);
    },
    get text() {
      return part.text.replaceAll(placeholder, token);
    },
    fill: { part, placeholder, value: token },
    headers: [
      {
        name: 'List-Unsubscribe',
        value: `<${unsubscribeUrl(settings.publicBaseUrl, token)}>, <mailto:${settings.unsubscribeMailto}?subject=unsubscribe-${token}>`,
      },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
      { name: REPORT_HEADER, value: reportId },
    ],
    tags: { reportId, kind: 'newsletter' },
  };
}
