import { Column, Row } from '@react-email/components';
import type { CSSProperties, ReactNode } from 'react';

/**
 * A full-width, one-cell table whose cell carries the style. Outlook's Word engine ignores
 * padding and background on <table> and <div>, but honours them on <td>.
 */
export function Band({ style, lang, children }: { style?: CSSProperties; lang?: string | undefined; children: ReactNode }) {
  return (
    <Row lang={lang}>
      <Column style={style}>{children}</Column>
    </Row>
  );
}
