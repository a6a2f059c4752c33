/** The shape of one language's email text. The words themselves live in ja.ts and en.ts only. */
import type { Locale } from '../../functions/core/subscriber.ts';

export interface EmailText {
  locale: Locale;
  /** '2020-09-18' → '2020年9月18日' / '18 September 2020'. */
  date: (isoDate: string) => string;
  /** An ISO date-time with offset, for editors: when a report will go out. */
  dateTime: (iso: string) => string;
  /** Font stack suited to the language (inline styles: mail clients ignore <style> often). */
  fontFamily: string;
  /** Line height of 15px body text: Japanese reads best at 1.8, English at 1.6. */
  bodyLineHeight: string;
  /** The font Outlook for Windows gets: it uses only the first of a stack, so a Windows font comes first. */
  outlookFontFamily: string;

  subject: {
    /** The default subject prefix around the short name: 【かわら版】 / [Kawaraban]. */
    prefix: (shortName: string) => string;
    /** Prefix and title, as the language writes them together. */
    report: (prefix: string, title: string) => string;
    proof: (subject: string) => string;
    confirmation: (newsletterName: string) => string;
  };

  report: {
    issuedOn: string;
    /** 第12号 / No. 12 */
    issueNumber: (n: number) => string;
    proofBanner: string;
    proofDetail: string;
    topics: string;
    references: string;
    notes: string;
    notePrefix: string;
    /** Between a topic's date and its title. */
    topicSeparator: string;
    /** The line above a reference's title: who published it and when. */
    referenceMeta: (source: string, date: string) => string;
  };

  /** The web archive: the link in each email, the web version's footer, the index and the feed. */
  web: {
    viewInBrowser: string;
    about: (newsletterName: string) => string;
    subscribe: string;
    backIssues: string;
    indexTitle: (newsletterName: string) => string;
    empty: string;
    feed: string;
    /** The link to the same page in the other language, written in that language. */
    switchTo: string;
  };

  /** Markers of the plain-text part, where there is no styling to lean on. */
  plain: {
    heading: string;
    bullet: string;
    topic: string;
    quote: string;
    proof: string;
  };

  footer: {
    publisher: string;
    postalAddress: string;
    contact: string;
    /** Why the reader gets this email. */
    reason: (newsletterName: string) => string;
    /** 特定電子メール法: how to stop receiving it. */
    optOut: string;
    unsubscribe: string;
  };

  confirmation: {
    heading: string;
    intro: (newsletterName: string, senderName: string) => string;
    /** The same sentence in the HTML and the text: the link opens a page whose button confirms. */
    action: string;
    /** The email's button opens that page; it does not confirm by itself. */
    button: string;
    fallback: string;
    expires: (hours: number) => string;
    ignore: string;
    preview: (newsletterName: string) => string;
    /** Sender block lead-in in a mail that is not a newsletter (yet). */
    sentBy: string;
  };

  notices: {
    subject: {
      accepted: (newsletterName: string, title: string) => string;
      rejected: (newsletterName: string, sourceKey: string) => string;
      paused: (newsletterName: string, title: string) => string;
      sent: (newsletterName: string, title: string) => string;
    };
    heading: { accepted: string; rejected: string; paused: string; sent: string };
    reportId: string;
    title: string;
    sourceKey: string;
    sendAt: string;
    audience: (n: number) => string;
    acceptedNote: string;
    approvalAwaited: (reportId: string) => string;
    approvedBy: (who: string) => string;
    rejectedIntro: (count: number) => string;
    rejectedMore: (n: number) => string;
    /** Where in the file a problem is, after its reason. */
    issueAt: (line: number, column: number) => string;
    rejectedHelp: string;
    reason: string;
    pausedNote: string;
    sent: (n: number) => string;
    failed: (n: number) => string;
    footer: (newsletterName: string) => string;
  };
}
