/** The languages of every page, email and CLI message (no imports: the email templates read it too). */

/** Japanese first: the order pages, emails and the archive list the languages in. */
export const LOCALES = ['ja', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
