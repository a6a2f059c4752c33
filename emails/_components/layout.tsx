import { Body, Container, Head, Html, Preview } from '@react-email/components';
import type { ReactNode } from 'react';
import type { Locale } from '../../functions/core/subscriber.ts';
import { ghostTableClose, ghostTableOpen, OutlookOnly, outlookFontStyle } from './outlook.tsx';
import * as s from './styles.ts';

/**
 * The document shell every email shares: language, title, inbox preview, page and paper. The paper
 * sets the chrome's font once; everything inside inherits it (see styles.ts, baseText).
 */
export function EmailLayout(props: {
  lang: Locale;
  title: string;
  preview?: string | undefined;
  fontFamily: string;
  /** The font Outlook for Windows should use (it reads only the first of a stack). */
  outlookFontFamily: string;
  /** A web page's versions in each language (`<link rel="alternate" hreflang>`); emails have none. */
  alternates?: readonly { hreflang: Locale; href: string }[] | undefined;
  children: ReactNode;
}) {
  return (
    <Html lang={props.lang} dir="ltr">
      <Head>
        <title>{props.title}</title>
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta name="supported-color-schemes" content="light dark" />
        {props.alternates?.map((a) => (
          <link key={a.hreflang} rel="alternate" hrefLang={a.hreflang} href={a.href} />
        ))}
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: our own static CSS, which React would escape */}
        <style dangerouslySetInnerHTML={{ __html: s.responsiveCss }} />
        {/* Last in <head>: a browser showing the template unprocessed moves the span to <body>. */}
        <OutlookOnly html={outlookFontStyle(props.outlookFontFamily)} />
      </Head>
      <Body style={{ ...s.page, fontFamily: props.fontFamily }} className={s.cls.page}>
        {props.preview ? <Preview>{props.preview}</Preview> : null}
        <OutlookOnly html={ghostTableOpen(s.paperWidth)} />
        <Container style={{ ...s.container, fontFamily: props.fontFamily }} className={s.cls.paper}>
          {props.children}
        </Container>
        <OutlookOnly html={ghostTableClose} />
      </Body>
    </Html>
  );
}
