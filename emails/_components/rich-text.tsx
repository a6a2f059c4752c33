import { Link } from '@react-email/components';
import { Fragment } from 'react';
import { splitLinks } from '../linkify.ts';
import { Phrased } from './phrased.tsx';
import * as s from './styles.ts';

/**
 * Report text as written: http(s) URLs become links, line breaks stay line breaks, and
 * everything else is a React text node (so it is escaped — markup in a report is shown, never run).
 */
export function RichText({ text }: { text: string }) {
  return (
    <>
      {splitLinks(text).map((part, i) =>
        part.kind === 'url' ? (
          <Link key={i} href={part.value} style={s.urlLink}>
            {part.value}
          </Link>
        ) : (
          <Lines key={i} text={part.value} />
        ),
      )}
    </>
  );
}

/** Text with its line breaks kept as <br>, and phrase breaks (BudouX) as <wbr>. */
export function Lines({ text }: { text: string }) {
  const lines = text.split(/\r\n|\r|\n/);
  return (
    <>
      {lines.map((line, i) => (
        <Fragment key={i}>
          {i > 0 ? <br /> : null}
          <Phrased text={line} />
        </Fragment>
      ))}
    </>
  );
}
