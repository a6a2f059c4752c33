import type { Locale } from '../../functions/core/subscriber.ts';
import { en } from './en.ts';
import { ja } from './ja.ts';
import type { EmailText } from './types.ts';

export type { EmailText };

const byLocale: Record<Locale, EmailText> = { ja, en };

export function emailText(locale: Locale): EmailText {
  return byLocale[locale] ?? ja;
}
