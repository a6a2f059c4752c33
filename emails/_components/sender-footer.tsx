import { Hr, Link, Text } from '@react-email/components';
import type { SenderBlock } from '../../functions/core/config.ts';
import type { EmailText } from '../_i18n/types.ts';
import { Band } from './band.tsx';
import { Lines, RichText } from './rich-text.tsx';
import * as s from './styles.ts';

/**
 * The sender block required by 特定電子メール法 (the Act on Regulation of Transmission of
 * Specified Electronic Mail): who sends, where they are, how to reach them, and — in a
 * newsletter — how to stop it, with a visible link.
 */
export function SenderFooter(props: {
  t: EmailText;
  sender: SenderBlock;
  /** A newsletter: why the reader gets it and how to stop it. Absent in a confirmation email. */
  newsletter?: { name: string; unsubscribeUrl: string };
  /** The web version: what the page is and how to subscribe; no reader's link. */
  web?: { about: string; subscribe: string; subscribeUrl: string };
  lead?: string;
}) {
  const { t, sender, newsletter } = props;
  return (
    <Band style={s.footer} className={`${s.cls.pad} ${s.cls.foot}`}>
      {newsletter ? (
        <>
          <Text style={s.small}>{t.footer.reason(newsletter.name)}</Text>
          <Text style={s.small}>{t.footer.optOut}</Text>
          <Text style={{ ...s.small, margin: '0 0 8px' }}>
            <Link href={newsletter.unsubscribeUrl} style={s.unsubscribeLink}>
              {t.footer.unsubscribe}
            </Link>
          </Text>
          <Hr style={{ borderColor: s.colors.rule, margin: '12px 0' }} />
        </>
      ) : null}
      {props.web ? (
        <>
          <Text style={s.small}>{props.web.about}</Text>
          <Text style={{ ...s.small, margin: '0 0 8px' }}>
            <Link href={props.web.subscribeUrl} style={s.unsubscribeLink}>
              {props.web.subscribe}
            </Link>
          </Text>
          <Hr style={{ borderColor: s.colors.rule, margin: '12px 0' }} />
        </>
      ) : null}
      {props.lead ? <Text style={{ ...s.small, fontWeight: 700 }}>{props.lead}</Text> : null}
      <Text style={s.small}>
        {`${t.footer.publisher}: ${sender.name}`}
        <br />
        {`${t.footer.postalAddress}: `}
        <Lines text={sender.postalAddress} />
        <br />
        {`${t.footer.contact}: `}
        <RichText text={sender.contact} />
      </Text>
    </Band>
  );
}
