import { Heading, Text } from '@react-email/components';
import type { CSSProperties } from 'react';
import type { ReportBlock } from '../../functions/core/report-schema.ts';
import { Band } from './band.tsx';
import { Phrased } from './phrased.tsx';
import { RichText } from './rich-text.tsx';
import * as s from './styles.ts';

/** One body block of a report, for each of the four block types. */
export function ReportBlockView({ block, text }: { block: ReportBlock; text: CSSProperties }) {
  switch (block.type) {
    case 'heading':
      return (
        <Heading as="h2" style={{ ...text, ...s.h2 }}>
          <Phrased text={block.text} />
        </Heading>
      );
    case 'paragraph':
      return (
        <Text style={text}>
          <RichText text={block.text} />
        </Text>
      );
    case 'list':
      return (
        <ul style={{ ...text, ...s.list }}>
          {block.items.map((item, i) => (
            <li key={i} style={s.listItem}>
              <RichText text={item} />
            </li>
          ))}
        </ul>
      );
    case 'quote':
      return (
        <Band style={{ paddingBottom: '16px' }}>
          <Band style={s.quoteCell} className={s.cls.quote}>
            <blockquote style={{ ...text, margin: 0 }}>
              <RichText text={block.text} />
            </blockquote>
          </Band>
        </Band>
      );
  }
}
