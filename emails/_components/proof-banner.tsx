import { Text } from '@react-email/components';
import { Band } from './band.tsx';
import * as s from './styles.ts';

/** Marks a proof so nobody mistakes it for the issue that went out. */
export function ProofBanner({ title, detail }: { title: string; detail: string }) {
  return (
    <Band style={{ padding: '16px 32px 0' }} className={s.cls.pad}>
      <Band style={s.proofBanner} className={s.cls.proof}>
        <Text style={s.proofTitle}>{title}</Text>
        <Text style={s.proofText}>{detail}</Text>
      </Band>
    </Band>
  );
}
