/**
 * The double opt-in confirmation email. It carries nothing the requester typed — not even
 * their address — so it cannot be used to mail someone else an attacker's text.
 */
import { Button, Heading, Link, Text } from '@react-email/components';
import { Band } from './_components/band.tsx';
import type { Locale } from '../functions/core/subscriber.ts';
import { EmailLayout } from './_components/layout.tsx';
import { KeepWords, Phrased } from './_components/phrased.tsx';
import { keepWords } from './phrases.ts';
import { SenderFooter } from './_components/sender-footer.tsx';
import * as s from './_components/styles.ts';
import { emailText } from './_i18n/index.ts';
import { previewContext } from './preview-data.ts';
import type { NewsletterContext } from './types.ts';

export interface ConfirmationEmailProps {
  confirmUrl: string;
  locale: Locale;
  ctx: Pick<NewsletterContext, 'newsletterName' | 'sender'>;
  /** When given, the email says how long the link works. */
  expiresInHours?: number | undefined;
}

export function ConfirmationEmail({ confirmUrl, locale, ctx, expiresInHours }: ConfirmationEmailProps) {
  const t = emailText(locale);
  const c = t.confirmation;
  const text = s.baseText(t);
  return (
    <KeepWords.Provider value={keepWords(ctx.newsletterName, ctx.sender.name)}>
      <EmailLayout
        lang={locale}
        title={c.heading}
        preview={c.preview(ctx.newsletterName)}
        fontFamily={t.fontFamily}
        outlookFontFamily={t.outlookFontFamily}
      >
        <Band style={s.headerBand} className={`${s.cls.pad} ${s.cls.head}`}>
          <Text style={s.headerName}>{ctx.newsletterName}</Text>
        </Band>
        <Band style={s.textCell(t)} className={s.cls.pad}>
          <Heading as="h1" style={{ ...text, ...s.h1 }}>
            {c.heading}
          </Heading>
          <Text style={text}>
            <Phrased text={c.intro(ctx.newsletterName, ctx.sender.name)} />
          </Text>
          <Text style={text}>
            <Phrased text={c.action} />
          </Text>
          <Band style={{ padding: '8px 0 24px', textAlign: 'center' }}>
            <Button href={confirmUrl} style={s.button} className={s.cls.button}>
              {c.button}
            </Button>
          </Band>
          <Text style={{ ...text, ...s.small }} className={s.cls.muted}>
            {c.fallback}
          </Text>
          <Text style={{ ...text, ...s.small, marginBottom: '16px' }} className={s.cls.muted}>
            <Link href={confirmUrl} style={s.urlLink}>
              {confirmUrl}
            </Link>
          </Text>
          {expiresInHours ? <Text style={text}>{c.expires(expiresInHours)}</Text> : null}
          <Text style={text}>{c.ignore}</Text>
        </Band>
        <SenderFooter t={t} sender={ctx.sender} lead={c.sentBy} />
      </EmailLayout>
    </KeepWords.Provider>
  );
}

ConfirmationEmail.PreviewProps = {
  confirmUrl: `${previewContext.publicBaseUrl}/confirm?token=preview-token`,
  locale: 'ja',
  ctx: previewContext,
  expiresInHours: 48,
} satisfies ConfirmationEmailProps;

export default ConfirmationEmail;
