/** English email text. */
import type { EmailText } from './types.ts';

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

const utcFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  year: 'numeric',
  month: 'long',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

export const en: EmailText = {
  locale: 'en',
  date: (iso) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
    const month = m ? MONTHS[Number(m[2]) - 1] : undefined;
    return m && month ? `${Number(m[3])} ${month} ${m[1]}` : iso;
  },
  dateTime: (iso) => {
    const t = new Date(iso);
    return Number.isNaN(t.getTime()) ? iso : `${utcFormat.format(t)} UTC`;
  },
  fontFamily:
    "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,'Hiragino Sans',Meiryo,sans-serif",
  bodyLineHeight: '24px',
  outlookFontFamily: "'Segoe UI',Arial,sans-serif",

  subject: {
    prefix: (name) => `[${name}]`,
    report: (prefix, title) => (prefix.endsWith('】') ? `${prefix}${title}` : `${prefix} ${title}`),
    proof: (subject) => `[PROOF] ${subject}`,
    confirmation: (name) => `[${name}] Please confirm your subscription`,
  },

  report: {
    issuedOn: 'Issued',
    issueNumber: (n) => `No. ${n}`,
    proofBanner: 'PROOF',
    proofDetail: 'A proof for the editors. It has not been sent to subscribers.',
    topics: 'Cyber attacks observed',
    references: 'References',
    notes: 'Notes',
    notePrefix: '※',
    topicSeparator: ' — ',
    referenceMeta: (source, date) => `${source}, ${date}`,
  },

  web: {
    viewInBrowser: 'View in your browser',
    about: (name) => `This is the web version of ${name}, the same as the email.`,
    subscribe: 'Subscribe',
    backIssues: 'Back issues',
    indexTitle: (name) => `${name}: back issues`,
    empty: 'No issues have been published yet.',
    feed: 'Atom feed',
    switchTo: '日本語',
  },

  plain: {
    heading: '## ',
    bullet: '- ',
    topic: '* ',
    quote: '> ',
    proof: '*** PROOF: for the editors only. It has not been sent to subscribers. ***',
  },

  footer: {
    publisher: 'Published by',
    postalAddress: 'Address',
    contact: 'Contact',
    reason: (name) => `You receive this email because you subscribed to ${name}.`,
    optOut: 'To stop receiving these emails, use the link below.',
    unsubscribe: 'Unsubscribe',
  },

  confirmation: {
    heading: 'Confirm your subscription',
    intro: (name, sender) =>
      `We received a request to subscribe this address to ${name}, published by ${sender}.`,
    // Says what the link does: it opens a page, and the page's button (functions/http/i18n) confirms.
    action:
      'Open the confirmation page from the link below and press "Confirm my subscription" there. Opening the page alone confirms nothing.',
    button: 'Open the confirmation page',
    fallback: 'If the button does not work, open this URL in your browser:',
    expires: (hours) => `This link expires in ${hours} hours.`,
    ignore:
      'If you did not request this, ignore this email: nothing is confirmed and you will not hear from us again.',
    preview: (name) => `Please confirm your subscription to ${name}.`,
    sentBy: 'Sent by',
  },

  notices: {
    subject: {
      accepted: (name, title) => `[${name}] Accepted: ${title}`,
      rejected: (name, key) => `[${name}] Rejected: ${key}`,
      paused: (name, title) => `[${name}] Sending paused: ${title}`,
      sent: (name, title) => `[${name}] Sent: ${title}`,
    },
    heading: {
      accepted: 'Report accepted',
      rejected: 'Report rejected',
      paused: 'Sending paused',
      sent: 'Sending finished',
    },
    reportId: 'Report id',
    title: 'Title',
    sourceKey: 'File',
    sendAt: 'Scheduled for',
    audience: (n) => `Audience: ${n.toLocaleString('en-US')} (confirmed subscribers now)`,
    acceptedNote: 'Until sending starts, uploading a file with the same id replaces this report.',
    approvalAwaited: (id) =>
      `This report is not sent until another editor approves it (the uploader cannot). To approve: npx kawaraban report approve ${id}`,
    approvedBy: (who) => `Approved by ${who}; it goes out at the time above.`,
    rejectedIntro: (n) =>
      `This file was not accepted because of the ${n === 1 ? 'problem' : `${n} problems`} below. Nothing from this file will be sent.`,
    rejectedMore: (n) => `… and ${n} more (run npx kawaraban report validate <file> to see them all)`,
    issueAt: (line, column) => ` (line ${line}, column ${column})`,
    rejectedHelp: 'Fix the file and upload it again.',
    reason: 'Reason',
    pausedNote:
      'Please check the cause and contact the operators. Recipients already sent to will not get it twice.',
    sent: (n) => `Sent: ${n.toLocaleString('en-US')}`,
    failed: (n) => `Failed: ${n.toLocaleString('en-US')}`,
    footer: (name) => `Sent automatically to the editors by the ${name} mailing system.`,
  },
};
