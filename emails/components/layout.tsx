import { Body, Container, Head, Html, Preview } from '@react-email/components';
import type { ReactNode } from 'react';
import type { Locale } from '../../functions/core/subscriber.ts';
import * as s from './styles.ts';

/** The document shell every email shares: language, title, inbox preview, page and paper. */
export function EmailLayout(props: {
  lang: Locale;
  title: string;
  preview?: string | undefined;
  fontFamily: string;
  children: ReactNode;
}) {
  return (
    <Html lang={props.lang} dir="ltr">
      <Head>
        <title>{props.title}</title>
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <meta name="supported-color-schemes" content="light" />
      </Head>
      <Body style={{ ...s.page, fontFamily: props.fontFamily }}>
        {props.preview ? <Preview>{props.preview}</Preview> : null}
        <Container style={{ ...s.container, fontFamily: props.fontFamily }}>{props.children}</Container>
      </Body>
    </Html>
  );
}
