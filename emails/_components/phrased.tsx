import { createContext, Fragment, useContext } from 'react';
import { phrases } from '../phrases.ts';

/** Words that must stay whole in this email (the newsletter's and the sender's names): see emails/phrases.ts. */
export const KeepWords = createContext<readonly string[]>([]);

/**
 * Japanese text with a <wbr> between phrases (BudouX): under `word-break: keep-all` (styles.ts,
 * textCell) a line breaks only there, never inside a word or a date. A client that drops <wbr>
 * still has `overflow-wrap: anywhere`; one that ignores keep-all breaks as it always did.
 */
export function Phrased({ text }: { text: string }) {
  const keep = useContext(KeepWords);
  const parts = phrases(text, keep);
  if (parts.length === 1) return <>{text}</>;
  return (
    <>
      {parts.map((p, i) => (
        <Fragment key={i}>
          {i > 0 ? <wbr /> : null}
          {p}
        </Fragment>
      ))}
    </>
  );
}
