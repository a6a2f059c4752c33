/** The dispatcher's two judgement calls: what an SES error means, and when a report looks unhealthy. */
import { describe, expect, it } from 'vitest';
import {
  AccountSuspendedException,
  BadRequestException,
  LimitExceededException,
  MailFromDomainNotVerifiedException,
  MessageRejected,
  SendingPausedException,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { classifySendError } from '../../functions/core/send-errors.ts';
import {
  defaultReputationGuard,
  loadReputationGuard,
  reputationProblem,
} from '../../functions/core/reputation.ts';

const meta = { $metadata: {} };

describe('classifySendError', () => {
  it('sorts the SES errors the dispatcher must treat differently', () => {
    const cases: [unknown, string][] = [
      [new TooManyRequestsException({ message: 'slow down', ...meta }), 'throttle'],
      [new LimitExceededException({ message: 'limit', ...meta }), 'throttle'],
      [new MessageRejected({ message: 'Maximum sending rate exceeded.', ...meta }), 'throttle'],
      [Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }), 'throttle'],
      [Object.assign(new Error('x'), { $metadata: { httpStatusCode: 429 } }), 'throttle'],
      [new SendingPausedException({ message: 'paused', ...meta }), 'pause'],
      [new AccountSuspendedException({ message: 'suspended', ...meta }), 'pause'],
      [new MessageRejected({ message: 'Email address is not verified.', ...meta }), 'permanent'],
      [new MailFromDomainNotVerifiedException({ message: 'no', ...meta }), 'permanent'],
      [new BadRequestException({ message: 'Illegal address', ...meta }), 'permanent'],
      [Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }), 'unknown'],
      ['a string', 'unknown'],
      [null, 'unknown'],
    ];
    for (const [err, kind] of cases)
      expect(classifySendError(err).kind, String((err as Error)?.name ?? err)).toBe(kind);
  });

  it('never keeps an address in the reason', () => {
    const err = new MessageRejected({
      message: 'Email address is not verified: Someone.Else+x@Example.co.jp, <a@b.jp>',
      ...meta,
    });
    const { reason } = classifySendError(err);
    expect(reason).toBe('MessageRejected: Email address is not verified: <address>, <<address>>');
  });
});

describe('reputationProblem', () => {
  const g = defaultReputationGuard;

  it('uses the SES review thresholds and minimum samples by default', () => {
    expect(g).toEqual({
      maxBounceRate: 0.05,
      maxComplaintRate: 0.001,
      minSendsForBounceRate: 200,
      minSendsForComplaintRate: 1000,
    });
  });

  it('judges the bounce rate only after the minimum sample', () => {
    expect(reputationProblem({ sent: 199, bounced: 199, complained: 0 }, g)).toBeNull();
    expect(reputationProblem({ sent: 200, bounced: 10, complained: 0 }, g)).toBeNull();
    expect(reputationProblem({ sent: 200, bounced: 11, complained: 0 }, g)).toBe(
      'bounce rate 5.50 % (11/200) is above 5.00 %',
    );
  });

  it('judges the complaint rate only after its own, larger sample', () => {
    expect(reputationProblem({ sent: 999, bounced: 0, complained: 5 }, g)).toBeNull();
    expect(reputationProblem({ sent: 1000, bounced: 0, complained: 1 }, g)).toBeNull();
    expect(reputationProblem({ sent: 1000, bounced: 0, complained: 2 }, g)).toBe(
      'complaint rate 0.20 % (2/1000) is above 0.10 %',
    );
  });

  it('after a resume, judges only the sends since, with the same minimum samples', () => {
    // Paused at 30/300 bounced; the person resumed there.
    const since = { sent: 300, bounced: 30, complained: 0 };
    expect(reputationProblem({ sent: 300, bounced: 30, complained: 0 }, g)).not.toBeNull();
    expect(reputationProblem({ sent: 300, bounced: 30, complained: 0 }, g, since)).toBeNull();
    // 199 new sends, all bounced: not yet a sample.
    expect(reputationProblem({ sent: 499, bounced: 229, complained: 0 }, g, since)).toBeNull();
    // 200 new sends: 10 new bounces pass, 11 pause, and the reason names the window.
    expect(reputationProblem({ sent: 500, bounced: 40, complained: 0 }, g, since)).toBeNull();
    expect(reputationProblem({ sent: 500, bounced: 41, complained: 0 }, g, since)).toBe(
      'bounce rate since the resume 5.50 % (11/200) is above 5.00 %',
    );
    expect(reputationProblem({ sent: 1300, bounced: 30, complained: 2 }, g, since)).toBe(
      'complaint rate since the resume 0.20 % (2/1000) is above 0.10 %',
    );
  });

  it('reads its settings from the environment and names a bad one', () => {
    expect(
      loadReputationGuard({ REPUTATION_MAX_BOUNCE_RATE: '0.02', REPUTATION_MIN_SENDS_BOUNCE: '50' }),
    ).toMatchObject({
      maxBounceRate: 0.02,
      minSendsForBounceRate: 50,
    });
    expect(() => loadReputationGuard({ REPUTATION_MAX_COMPLAINT_RATE: '2' })).toThrow(
      /REPUTATION_MAX_COMPLAINT_RATE/,
    );
  });
});
