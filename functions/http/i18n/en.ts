/** Every word the HTTP pages say, in English. Same shape as ja.ts. */
import { html, type Html } from '../html.ts';
import type { Messages, Shown } from './ja.ts';

export const en: Messages = {
  langName: 'English',
  switchTo: '日本語',
  switchToHome: '購読のお申し込み（日本語）',
  footer: {
    publisher: (name: Html) => html`Published by ${name}`,
    contact: (contact: Html) => html`Contact: ${contact}`,
  },
  home: {
    title: 'Subscribe',
    lead: (c: Shown) => html`${c.newsletterName}, published by ${c.senderName}, delivered free by email.`,
    emailLabel: 'Email address',
    emailHint:
      'We will send you a confirmation email. Your subscription starts when you open its link and press the button on that page.',
    frequencyLabel: 'How often',
    frequency: 'Irregularly: a few times a month, when there is a cyber threat worth acting on.',
    purposeLabel: 'What your address is used for',
    purpose:
      'Only to send you this report and to confirm or stop your subscription. It is never given to anyone else.',
    privacy: 'Privacy policy',
    localeLegend: 'Language of the emails',
    submit: 'Subscribe',
    consent: (c: Shown) =>
      html`By subscribing you agree to receive ${c.newsletterName} from ${c.senderName} by email once you confirm. You can unsubscribe at any time with the link in every email.`,
    honeypotLabel: 'Leave this field empty',
  },
  accepted: {
    title: 'Check your inbox',
    body: (c: Shown) =>
      html`If this address still needs to be confirmed, we have sent it a confirmation email. Open the link in it and press "Confirm my subscription". The link is valid for ${c.confirmTtlHours} hours.`,
    noMail: 'No email? Check your spam folder, then wait about 10 minutes before trying again.',
  },
  invalidEmail: {
    title: 'Please check your email address',
    problems: {
      empty: 'Please enter your email address.',
      'too-long': 'This email address is too long.',
      'missing-at': 'An email address needs an "@" with text on both sides.',
      'full-width':
        'The address contains full-width characters. Please type it in half-width (ASCII) characters.',
      whitespace: 'The address contains spaces or invisible characters.',
      'local-part': 'The part before the "@" contains a character we cannot use, or misplaced dots.',
      domain: 'The domain after the "@" is not valid (for example: example.com).',
      'address-literal':
        'Please enter a domain name after the "@", not an IP address (for example: example.com).',
      'reserved-domain':
        'This domain is reserved (for testing, documentation or private networks): no email can be delivered there.',
      'source-route':
        'Addresses containing "%" or "!" cannot receive our emails (mail servers treat them as forwarding instructions).',
    },
  },
  rateLimited: {
    title: 'Please try again later',
    body: (minutes: number) =>
      `We have received many requests from your network, so we are pausing new ones. Please try again in about ${minutes} minutes.`,
  },
  confirm: {
    title: 'Confirm your subscription',
    body: (c: Shown) => html`To confirm your subscription to ${c.newsletterName}, press the button below.`,
    note: 'Opening this page alone does not confirm anything.',
    button: 'Confirm my subscription',
  },
  confirmed: {
    title: 'Your subscription is confirmed',
    body: (c: Shown) =>
      html`You will receive ${c.newsletterName} from the next issue. You can unsubscribe at any time with the link in every email.`,
  },
  alreadyConfirmed: {
    title: 'Already confirmed',
    body: 'This link has already confirmed your subscription. There is nothing more to do.',
  },
  expired: {
    title: 'This link has expired',
    body: (c: Shown) =>
      html`Confirmation links are valid for ${c.confirmTtlHours} hours. Press the button below and we will send you a new one.`,
    button: 'Send me a new link',
  },
  invalidConfirm: {
    title: 'This link cannot be used',
    body: 'The link is incomplete, has already been used, or has been replaced by a newer confirmation email. Please use the link in the latest email, or subscribe again.',
  },
  newLinkSent: {
    title: 'New confirmation email sent',
    body: (c: Shown) =>
      html`If a confirmation is still needed, we have sent a new email. Its link is valid for ${c.confirmTtlHours} hours. We send at most one email every 10 minutes.`,
  },
  newLinkLimited: {
    title: 'We cannot send a new confirmation email yet',
    body: (wait: string) =>
      `We sent this address a confirmation email recently, and we limit how many emails one address receives, so we have not sent a new one. Please wait ${wait}, then press the button below again.`,
    button: 'Send me a new link',
  },
  waitFor: (amount: number, unit: 'minutes' | 'hours' | 'days') =>
    `about ${amount} ${amount === 1 ? unit.slice(0, -1) : unit}`,
  unsubscribe: {
    title: 'Unsubscribe',
    body: (c: Shown) => html`To stop receiving ${c.newsletterName}, press the button below.`,
    note: 'Opening this page alone does not unsubscribe you.',
    button: 'Unsubscribe',
  },
  unsubscribed: {
    title: 'You have been unsubscribed',
    body: (c: Shown) =>
      html`We will not send ${c.newsletterName} to this address again. If you change your mind, you are welcome to subscribe again.`,
    oneClick: 'You have been unsubscribed.',
  },
  invalidUnsubscribe: {
    title: 'This link cannot be used',
    body: 'This unsubscribe link is not valid. Please use the link exactly as it appears in the email, making sure it was not cut off.',
    byMail: (address: Html) =>
      html`You can also stop the emails by writing to ${address} from the address that receives them (the subject and text can stay as they are). We will stop sending to that address.`,
    help: (c: Shown) => html`If you need help, contact ${c.contact}.`,
    oneClick: 'This unsubscribe link is not valid.',
  },
  retiredUnsubscribe: {
    title: 'This link has expired',
    body: 'For security, this unsubscribe link no longer works. Please use the link in a recent email, or contact us below.',
    help: (c: Shown) => html`To stop the emails, contact ${c.contact}.`,
    oneClick: 'This unsubscribe link has expired.',
  },
  toHome: 'Go to the subscription page',
  errors: {
    notFound: { title: 'Page not found', body: 'Please check the address.' },
    methodNotAllowed: { title: 'Not allowed', body: 'This page cannot be used this way.' },
    tooLarge: { title: 'Request too large', body: 'Please submit the form again.' },
    unsupported: { title: 'Unsupported format', body: 'Please submit the form, or send JSON.' },
    malformed: { title: 'We could not read your request', body: 'Please submit the form again.' },
    missingToken: {
      title: 'Incomplete link',
      body: 'Please use the link exactly as it appears in the email, making sure it was not cut off.',
    },
    unavailable: { title: 'Temporarily unavailable', body: 'Please try again in a little while.' },
  },
};
