/** Reads what the SES emulator has "sent". Its store is shared by all tests: filter by recipient. */
import { inject } from 'vitest';

export interface SentEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: { name: string; value: string }[];
  at: number;
}

export async function sentTo(address: string): Promise<SentEmail[]> {
  const res = await fetch(`${inject('sesUrl')}/store`);
  const { emails } = (await res.json()) as { emails: SentEmail[] };
  return emails.filter((e) => e.destination.to.includes(address));
}

export function header(mail: SentEmail, name: string): string | undefined {
  return mail.headers?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
}

/** The names of the templates the SES emulator holds. */
export async function templateNames(): Promise<string[]> {
  const res = await fetch(`${inject('sesUrl')}/store`);
  const { templates } = (await res.json()) as { templates: Record<string, unknown> };
  return Object.keys(templates);
}
