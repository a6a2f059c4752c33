/**
 * The newsletter: header (newsletter name, 配信日), title, the body blocks, topics,
 * references, ※ notes, and the legal sender block with the visible unsubscribe link.
 */
import { Heading, Link, Text } from '@react-email/components';
import { Fragment } from 'react';
import { archiveUrl, unsubscribeUrl } from '../functions/core/links.ts';
import type { Report } from '../functions/core/report-schema.ts';
import { LOCALES, type Locale } from '../functions/core/locale.ts';
import { Band } from './_components/band.tsx';
import { EmailLayout } from './_components/layout.tsx';
import { ProofBanner } from './_components/proof-banner.tsx';
import { ReportBlockView } from './_components/report-blocks.tsx';
import { KeepWords, Phrased } from './_components/phrased.tsx';
import { RichText } from './_components/rich-text.tsx';
import { keepWords } from './phrases.ts';
import { issueLine } from './_text/report-text.ts';
import { SenderFooter } from './_components/sender-footer.tsx';
import * as s from './_components/styles.ts';
import { emailText } from './_i18n/index.ts';
import { previewContext, previewReport } from './preview-data.ts';
import { UNSUBSCRIBE_TOKEN_PLACEHOLDER, type NewsletterContext } from './types.ts';

export interface ReportEmailProps {
  report: Report;
  ctx: NewsletterContext;
  locale: Locale;
  proof?: boolean;
  /** Stands in for the reader's unsubscribe token (a random one per render in production). */
  placeholder?: string;
  /** 第N号, once the report is scheduled (a proof of a draft has none). */
  issueNumber?: number | undefined;
  /**
   * `email` (default): the newsletter, with the reader's unsubscribe link and, unless the report opted
   * out of the archive, a link to its web version. `web`: that web version, with no reader's link at all.
   */
  variant?: 'email' | 'web';
}

/** Kana in the report means Japanese content, whatever the reader's locale for the chrome. */
function contentLang(report: Report): string | undefined {
  return /[\u3040-\u30ff]/.test(report.title + JSON.stringify(report.body.slice(0, 3))) ? 'ja' : undefined;
}

export function ReportEmail({
  report,
  ctx,
  locale,
  proof = false,
  placeholder = UNSUBSCRIBE_TOKEN_PLACEHOLDER,
  issueNumber,
  variant = 'email',
}: ReportEmailProps) {
  const web = variant === 'web';
  // A proof is never archived; a report is unless it opted out.
  const archived = !proof && report.archive !== false;
  const t = emailText(locale);
  const lang = contentLang(report);
  // Japanese content under English chrome still gets Japanese fonts.
  const contentText = lang === 'ja' ? emailText('ja') : t;
  const text = s.baseText(contentText);
  const unsubscribe = unsubscribeUrl(ctx.publicBaseUrl, placeholder);
  // The web version links its page in the other language, and tells search engines both.
  const other = LOCALES.find((l) => l !== locale)!;
  const alternates = web
    ? LOCALES.map((l) => ({ hreflang: l, href: archiveUrl(ctx.publicBaseUrl, report.id, l) }))
    : undefined;

  return (
    <KeepWords.Provider value={keepWords(ctx.newsletterName, ctx.shortName, ctx.sender.name)}>
      <EmailLayout
        lang={locale}
        title={report.title}
        preview={web ? undefined : report.summary}
        alternates={alternates}
        fontFamily={t.fontFamily}
        outlookFontFamily={contentText.outlookFontFamily}
      >
        {/* One column: on a phone, name and date side by side each wrap mid-word. */}
        <Band style={s.headerBand} className={`${s.cls.pad} ${s.cls.head}`}>
          <Text style={s.headerName}>{ctx.newsletterName}</Text>
          <Text style={s.headerDate}>{issueLine(t, report.issuedOn, issueNumber)}</Text>
          {archived && !web ? (
            <Text style={s.headerDate}>
              <Link href={archiveUrl(ctx.publicBaseUrl, report.id, locale)} style={s.headerLink}>
                {t.web.viewInBrowser}
              </Link>
            </Text>
          ) : null}
          {web ? (
            <Text style={s.headerDate}>
              <Link
                href={archiveUrl(ctx.publicBaseUrl, report.id, other)}
                hrefLang={other}
                lang={other}
                style={s.headerLink}
              >
                {t.web.switchTo}
              </Link>
            </Text>
          ) : null}
        </Band>

        {proof ? <ProofBanner title={t.report.proofBanner} detail={t.report.proofDetail} /> : null}

        <Band style={s.textCell(contentText)} className={s.cls.pad} lang={lang}>
          <Heading as="h1" style={{ ...text, ...s.h1 }}>
            <Phrased text={report.title} />
          </Heading>

          {report.body.map((block, i) => (
            <ReportBlockView key={i} block={block} text={text} />
          ))}

          {report.topics?.length ? (
            <>
              <Heading as="h2" style={{ ...text, ...s.h2 }}>
                {t.report.topics}
              </Heading>
              {report.topics.map((topic, i) => (
                <Fragment key={i}>
                  <Heading as="h3" style={{ ...text, ...s.h3 }}>
                    <span style={{ ...s.muted, fontWeight: 400 }} className={s.cls.muted}>
                      {t.date(topic.date)}
                    </span>
                    {t.report.topicSeparator}
                    <Phrased text={topic.title} />
                  </Heading>
                  {topic.detail ? (
                    <Text style={{ ...text, margin: '0 0 12px' }}>
                      <RichText text={topic.detail} />
                    </Text>
                  ) : null}
                </Fragment>
              ))}
            </>
          ) : null}

          {report.references?.length ? (
            <>
              <Heading as="h2" style={{ ...text, ...s.h2 }}>
                {t.report.references}
              </Heading>
              <ol style={{ ...text, ...s.list }}>
                {report.references.map((ref, i) => (
                  <li key={i} style={{ ...s.listItem, marginBottom: '12px' }}>
                    <span style={s.muted} className={s.cls.muted}>
                      <Phrased text={t.report.referenceMeta(ref.source, t.date(ref.date))} />
                    </span>
                    <br />
                    <Link href={ref.url} style={s.link}>
                      <Phrased text={ref.title} />
                    </Link>
                    <br />
                    <span
                      style={{ ...s.muted, fontSize: '13px', lineHeight: '22px', wordBreak: 'break-all' }}
                      className={s.cls.muted}
                    >
                      {ref.url}
                    </span>
                  </li>
                ))}
              </ol>
            </>
          ) : null}

          {report.notes?.length ? (
            <table
              role="presentation"
              width="100%"
              cellPadding={0}
              cellSpacing={0}
              border={0}
              style={{ margin: '20px 0 16px' }}
            >
              <tbody>
                {report.notes.map((note, i) => (
                  <tr key={i}>
                    <td
                      style={{ ...s.small, ...s.noteCell, ...s.noteMark }}
                      className={s.cls.muted}
                    >{`${t.report.notePrefix} `}</td>
                    <td style={{ ...s.small, ...s.noteCell }} className={s.cls.muted}>
                      <RichText text={note} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </Band>

        {web ? (
          <SenderFooter
            t={t}
            sender={ctx.sender}
            web={{
              about: t.web.about(ctx.newsletterName),
              subscribe: t.web.subscribe,
              subscribeUrl: `${ctx.publicBaseUrl}/`,
            }}
          />
        ) : (
          <SenderFooter
            t={t}
            sender={ctx.sender}
            newsletter={{ name: ctx.newsletterName, unsubscribeUrl: unsubscribe }}
          />
        )}
      </EmailLayout>
    </KeepWords.Provider>
  );
}

ReportEmail.PreviewProps = {
  report: previewReport,
  ctx: previewContext,
  locale: 'ja',
} satisfies ReportEmailProps;

export default ReportEmail;
