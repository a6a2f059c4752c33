import { Column, Row } from '@react-email/components';
import type { CSSProperties, ReactNode } from 'react';

/**
 * A full-width, one-cell table whose cell carries the style. Outlook's Word engine ignores
 * padding and background on <table> and <div>, but honours them on <td>. `className` is for the
 * narrow-screen rules in styles.ts (responsiveCss).
 */
export function Band({
  style,
  lang,
  className,
  children,
}: {
  style?: CSSProperties;
  lang?: string | undefined;
  className?: string;
  children: ReactNode;
}) {
  return (
    <Row lang={lang}>
      <Column style={style} className={className}>
        {children}
      </Column>
    </Row>
  );
}
