/** One CSV cell for files operators open in a spreadsheet (the export, the import report). */

/**
 * Quotes as RFC 4180 wants; and, because the file will be opened in Excel, defuses every cell
 * that starts like a formula (after any spaces; full-width signs too) with a leading "'". That
 * includes addresses: "=cmd|'/Ccalc'!A0@example.com" is a valid dot-atom address, and anyone
 * can leave one in the table as a pending row; the user agent is whatever the requester sent.
 */
export function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  let text = String(value);
  if (/^[\s\u3000]*[=+\-@＝＋－＠]|^[\t\r\n]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
