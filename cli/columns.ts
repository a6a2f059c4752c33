/** Padding by display width: CJK and full-width characters take two terminal columns. */
const WIDE =
  /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/u;

export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += WIDE.test(ch) ? 2 : 1;
  return width;
}

export const padDisplay = (text: string, width: number) =>
  text + ' '.repeat(Math.max(0, width - displayWidth(text)));

/** `label  value` lines with the values aligned; rows without a value are left out. */
export function labelled(rows: [string, string | undefined][]): string[] {
  const shown = rows.filter(([, v]) => v !== undefined && v !== '') as [string, string][];
  const width = Math.max(0, ...shown.map(([k]) => displayWidth(k))) + 2;
  return shown.map(([k, v]) => `${padDisplay(k, width)}${v}`);
}

/** A time as editors in Japan read it: `2030-04-01 09:30 JST`. */
export const jst = (iso: string) =>
  `${new Date(iso).toLocaleString('sv-SE', { timeZone: 'Asia/Tokyo' }).slice(0, 16)} JST`;
