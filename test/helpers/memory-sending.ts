/**
 * In-memory ports of the sending side, for unit tests of the send run's phases: they keep the
 * contracts of sending-ports.ts (conditional claims, marks by token, numbered checkpoints, stop
 * gates) in plain maps, and record what a test wants to check (claimed-and-unmarked rows at each
 * write).
 * The emulator-backed adapters are tested against DynamoDB Local in test/integration/.
 */
import {
  zeroCounts,
  type LedgerRow,
  type RenderedReport,
  type ReportCursor,
  type ReportRecord,
} from '../../functions/core/report.ts';
import { SHARD_COUNT } from '../../functions/core/subscriber.ts';
import type {
  DispatchDeps,
  DispatchSettings,
  ReportRunSummary,
} from '../../functions/core/use-cases/dispatch-due.ts';
import { SendRun } from '../../functions/core/use-cases/send-run.ts';
import type {
  Audience,
  ClaimResult,
  Ledger,
  LedgerClaim,
  Recipient,
  ReportStore,
  SentBatch,
} from '../../functions/core/use-cases/sending-ports.ts';
import type { BulkOutcome, Mailer, OutgoingEmail, SendOptions } from '../../functions/core/ports.ts';
import { defaultReputationGuard } from '../../functions/core/reputation.ts';
import { VirtualClock } from './virtual-clock.ts';

export const RENDERED: RenderedReport = {
  reportId: 'r-mem',
  contentHash: 'h',
  placeholder: 'TOKEN_HERE',
  locales: {
    ja: { subject: 'ja', html: '<a href="u?t=TOKEN_HERE">x</a>', text: 'u?t=TOKEN_HERE' },
    en: { subject: 'en', html: '<a href="u?t=TOKEN_HERE">x</a>', text: 'u?t=TOKEN_HERE' },
  },
};

export class MemoryLedger implements Ledger {
  readonly rows = new Map<string, LedgerRow & { claimToken: string; attempts: number }>();
  readonly confirmed = new Set<string>();
  /** The stop gates' tokens by lane (shared with MemoryReports by memorySending). */
  gates = new Map<number, string>();
  /** Rows claimed and not marked, after each write. */
  readonly heldAfterWrite: number[] = [];
  /** Off for large simulations (bench/send-rate-sim.ts): counting held rows reads every row. */
  recordHeld = true;
  writes = 0;

  private held(): number {
    return [...this.rows.values()].filter((r) => r.state === 'claimed').length;
  }

  /** Whether the claim's stop gate still holds the token it carries. */
  private open(c: LedgerClaim): boolean {
    return !c.gate || (this.gates.get(c.gate.lane) ?? null) === c.gate.token;
  }

  async claim(c: LedgerClaim): Promise<ClaimResult> {
    if (!this.open(c)) return { kind: 'stopped' };
    const row = this.rows.get(c.email);
    if (row)
      return {
        kind: 'exists',
        row: { state: row.state, claimToken: row.claimToken, attempts: row.attempts },
      };
    if (!this.confirmed.has(c.email)) return { kind: 'not-confirmed' };
    this.rows.set(c.email, { email: c.email, state: 'claimed', claimToken: c.token, attempts: 1 } as never);
    return { kind: 'claimed' };
  }

  async claimAll(claims: readonly LedgerClaim[], markFirst?: SentBatch): Promise<ClaimResult[]> {
    this.writes++;
    if (markFirst) this.mark(markFirst);
    const out: ClaimResult[] = [];
    for (const c of claims) out.push(await this.claim(c));
    if (this.recordHeld) this.heldAfterWrite.push(this.held());
    return out;
  }

  async takeOver(c: LedgerClaim & { oldToken: string }): Promise<ClaimResult> {
    if (!this.open(c)) return { kind: 'stopped' };
    const row = this.rows.get(c.email);
    if (row?.state !== 'claimed' || row.claimToken !== c.oldToken) {
      return row
        ? { kind: 'exists', row: { state: row.state, claimToken: row.claimToken, attempts: row.attempts } }
        : { kind: 'not-confirmed' };
    }
    if (!this.confirmed.has(c.email)) return { kind: 'not-confirmed' };
    row.claimToken = c.token;
    row.attempts++;
    return { kind: 'claimed' };
  }

  private mark(batch: SentBatch): void {
    for (const m of batch.sent) {
      const row = this.rows.get(m.email);
      if (row?.claimToken === m.token && row.state === 'claimed')
        Object.assign(row, { state: 'sent', messageId: m.messageId });
    }
  }

  async markSent(batch: SentBatch): Promise<void> {
    this.writes++;
    this.mark(batch);
    if (this.recordHeld) this.heldAfterWrite.push(this.held());
  }

  async markFailed(_reportId: string, email: string, token: string, reason: string): Promise<void> {
    const row = this.rows.get(email);
    if (row?.claimToken === token && row.state === 'claimed') Object.assign(row, { state: 'failed', reason });
  }

  async release(_reportId: string, email: string, token: string): Promise<void> {
    const row = this.rows.get(email);
    if (row?.claimToken === token && row.state === 'claimed') this.rows.delete(email);
  }

  async get(_reportId: string, email: string): Promise<LedgerRow | null> {
    return this.rows.get(email) ?? null;
  }

  async transition(): Promise<boolean> {
    return false;
  }
}

/** Recipients spread over the shards in key order, as the byStatus index pages them. */
export class MemoryAudience implements Audience {
  readonly pagesRead: { shard: number; size: number }[] = [];
  /** Each shard's readers in key order, and each reader's place: built again when readers are added. */
  private index: { size: number; shards: Recipient[][]; at: Map<string, number> } | null = null;
  constructor(readonly recipients: Recipient[]) {}

  private shardOf(r: Recipient): number {
    return Number.parseInt(r.id.slice(-2), 16) % SHARD_COUNT;
  }

  private shards() {
    if (this.index?.size !== this.recipients.length) {
      const shards: Recipient[][] = Array.from({ length: SHARD_COUNT }, () => []);
      for (const r of this.recipients) shards[this.shardOf(r)]!.push(r);
      const at = new Map<string, number>();
      for (const s of shards) {
        s.sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
        for (const [i, r] of s.entries()) at.set(r.email, i);
      }
      this.index = { size: this.recipients.length, shards, at };
    }
    return this.index;
  }

  async page(shard: number, startKey: Record<string, string> | undefined, limit: number) {
    const { shards, at } = this.shards();
    const inShard = shards[shard] ?? [];
    const from = startKey ? (at.get(startKey.email ?? '') ?? -1) + 1 : 0;
    const items = inShard.slice(from, from + limit);
    this.pagesRead.push({ shard, size: items.length });
    const more = from + limit < inShard.length;
    return { items, lastKey: more ? { email: items.at(-1)!.email } : undefined };
  }

  after(_shard: number, r: Recipient): Record<string, string> {
    return { email: r.email };
  }

  async countConfirmed(): Promise<number> {
    return this.recipients.length;
  }

  async countConfirmedByShard(): Promise<number[]> {
    return this.shards().shards.map((s) => s?.length ?? 0);
  }
}

export class MemoryReports implements ReportStore {
  record: ReportRecord;
  /** The stop gates' tokens by lane. */
  readonly gates = new Map<number, string>();
  private stops = 0;
  readonly checkpointsSaved: { cursor: ReportCursor; add: Record<string, number | undefined> }[] = [];

  constructor(reportId = 'r-mem', status: ReportRecord['status'] = 'SENDING') {
    const now = '2030-04-01T00:00:00.000Z';
    this.record = {
      reportId,
      status,
      title: 'T',
      issuedOn: '2030-04-01',
      sendAt: now,
      contentHash: 'h',
      sourceKey: `reports/${reportId}.json`,
      renderedKey: `rendered/${reportId}/h.json`,
      counts: zeroCounts(),
      createdAt: now,
      updatedAt: now,
    };
  }

  async get() {
    return structuredClone(this.record);
  }
  async replace() {
    return { ok: true as const };
  }
  async findDue() {
    return ['SCHEDULED', 'SENDING'].includes(this.record.status) ? [this.record.reportId] : [];
  }
  async acquireLease(_id: string, owner: string, now: Date, until: Date) {
    const r = this.record;
    if (!['SCHEDULED', 'SENDING'].includes(r.status)) return null;
    if (r.leaseOwner && r.leaseOwner !== owner && r.leaseUntil && r.leaseUntil >= now.toISOString())
      return null;
    Object.assign(r, { status: 'SENDING', leaseOwner: owner, leaseUntil: until.toISOString() });
    return structuredClone(r);
  }
  async releaseLease(_id: string, owner: string, recentSends: readonly number[] = []) {
    if (this.record.leaseOwner === owner) {
      delete this.record.leaseOwner;
      delete this.record.leaseUntil;
      if (recentSends.length) this.record.recentSends = [...recentSends];
      else delete this.record.recentSends;
    }
  }
  async beginSending(_id: string, _owner: string, audience: number) {
    this.record.counts.audience = audience;
  }
  async checkpoint(
    _id: string,
    owner: string,
    saved: number,
    cursor: ReportCursor,
    add: { sent?: number; failed?: number },
  ) {
    if (this.record.leaseOwner !== owner || (this.record.checkpoints ?? 0) !== saved) return false;
    this.record.cursor = cursor;
    this.record.checkpoints = saved + 1;
    this.record.counts.sent += add.sent ?? 0;
    this.record.counts.failed += add.failed ?? 0;
    this.checkpointsSaved.push({ cursor, add });
    return true;
  }
  private end(owner: string, status: ReportRecord['status'], extra: Partial<ReportRecord>) {
    if (this.record.leaseOwner !== owner || this.record.status !== 'SENDING') return null;
    Object.assign(this.record, { status, ...extra });
    delete this.record.leaseOwner;
    delete this.record.leaseUntil;
    return structuredClone(this.record);
  }
  async finish(_id: string, owner: string, now: Date) {
    return this.end(owner, 'SENT', { completedAt: now.toISOString() } as Partial<ReportRecord>);
  }
  async pause(_id: string, owner: string, reason: string, _now: Date, kind: ReportRecord['pauseKind']) {
    return this.end(owner, 'PAUSED', { pauseReason: reason, pauseKind: kind } as Partial<ReportRecord>);
  }
  async recordFailedRun() {
    return 1;
  }
  async changeStatus() {
    return { ok: false as const, status: this.record.status };
  }
  async gate(_id: string, lane: number) {
    return this.gates.get(lane) ?? null;
  }
  /** A person's pause or cancel: the status and every lane's gate token at once. */
  stopByPerson(status: 'PAUSED' | 'CANCELED') {
    this.record.status = status;
    const token = `stop-${++this.stops}`;
    for (let lane = 0; lane < 16; lane++) this.gates.set(lane, token);
  }
}

/** A mailer that answers in a scrambled order (real timers of 0–4 ms), with faults from `fault(n, message)`. */
export class MemoryMailer implements Mailer {
  readonly sent: OutgoingEmail[] = [];
  inFlight = 0;
  peak = 0;
  calls = 0;
  constructor(private readonly fault: (n: number, m: OutgoingEmail) => Error | undefined = () => undefined) {}
  async send(m: OutgoingEmail) {
    const n = ++this.calls;
    this.peak = Math.max(this.peak, ++this.inFlight);
    try {
      // Answers come back in a scrambled order, as SES's do.
      await new Promise((r) => setTimeout(r, (n * 7) % 5));
      const err = this.fault(n, m);
      if (err) throw err;
      this.sent.push(m);
      return { messageId: `m-${n}-${m.to}` };
    } finally {
      this.inFlight--;
    }
  }
}

/**
 * A mailer with `sendBulk`, as the SES mailer: each message of a request is one call to `fault`
 * (its error becomes that message's outcome), `whole(n, size)` refuses request n entirely.
 * `requests` records each request's size and when (virtual clock ms) it was admitted.
 */
export class MemoryBulkMailer extends MemoryMailer {
  readonly requests: { size: number; at: number }[] = [];
  readonly bulkLimit = 50;
  private bulkCalls = 0;
  constructor(
    fault: (n: number, m: OutgoingEmail) => Error | undefined = () => undefined,
    private readonly whole: (n: number, size: number) => Error | undefined = () => undefined,
    /** The clock `requests` are stamped with (set it to the setup's virtual clock). */
    public now: () => number = () => 0,
  ) {
    super(fault);
  }
  async sendBulk(messages: OutgoingEmail[], opts?: SendOptions): Promise<BulkOutcome[]> {
    const n = ++this.bulkCalls;
    if (opts?.admit) for (let w = opts.admit(); w !== 0; w = opts.admit()) await w;
    this.requests.push({ size: messages.length, at: this.now() });
    opts?.written?.();
    await new Promise((r) => setTimeout(r, n % 3));
    const err = this.whole(n, messages.length);
    if (err) throw err;
    return Promise.all(
      messages.map((m) =>
        this.send(m).then(
          (sent) => sent,
          (error: unknown) => ({ error }),
        ),
      ),
    );
  }
}

export function recipients(n: number): Recipient[] {
  return Array.from({ length: n }, (_, i) => ({
    email: `r${String(i).padStart(4, '0')}@example.com`,
    id: i.toString(16).padStart(32, '0'),
    locale: i % 5 === 4 ? 'en' : 'ja',
  }));
}

/** Every port in memory, over `n` confirmed recipients. */
export function memorySending(
  n: number,
  settingsOver: Partial<DispatchSettings> = {},
  mailer = new MemoryMailer(),
) {
  const clock = new VirtualClock();
  const audience = new MemoryAudience(recipients(n));
  const ledger = new MemoryLedger();
  for (const r of audience.recipients) ledger.confirmed.add(r.email);
  const reports = new MemoryReports();
  ledger.gates = reports.gates;
  const notices: unknown[] = [];
  const deps: DispatchDeps = {
    reports,
    ledger,
    audience,
    blobs: {
      getText: async () => JSON.stringify(RENDERED),
      getBytes: async () => new TextEncoder().encode(JSON.stringify(RENDERED)),
      putText: async () => undefined,
      list: async () => [],
    },
    mailer,
    quota: {
      getQuota: async () => ({
        maxSendRate: 100,
        max24HourSend: 1_000_000,
        sentLast24Hours: 0,
        sendingEnabled: true,
      }),
    },
    notifier: { notify: async (n) => void notices.push(n) },
    clock,
    sleeper: clock,
    unsubscribeKey: Buffer.alloc(32, 7),
    log: { info() {}, warn() {}, error() {} },
    stopwatch: (
      (t = 0) =>
      () =>
        (t += 40)
    )(),
  };
  const settings: DispatchSettings = {
    publicBaseUrl: 'https://news.example.jp',
    unsubscribeMailto: 'unsubscribe@example.jp',
    rateFraction: 1,
    concurrency: 8,
    dailyHeadroom: 0,
    reputation: defaultReputationGuard,
    pageSize: 10,
    ...settingsOver,
  };
  return { deps, settings, clock, audience, ledger, reports, mailer, notices };
}

let owners = 0;
/** A run over the setup's leased report. */
export async function runOnce(s: ReturnType<typeof memorySending>, budgetMs = 600_000) {
  const owner = `o-${++owners}`;
  const report = await s.reports.acquireLease(
    s.reports.record.reportId,
    owner,
    s.clock.now(),
    new Date(s.clock.now().getTime() + budgetMs + 60_000),
  );
  const tally: ReportRunSummary = {
    reportId: report!.reportId,
    outcome: 'busy',
    sent: 0,
    failed: 0,
    skipped: 0,
    pages: 0,
  };
  const run = new SendRun({
    deps: s.deps,
    settings: s.settings,
    owner,
    report: report!,
    deadline: s.clock.now().getTime() + budgetMs,
    tally,
  });
  await run.execute();
  await s.reports.releaseLease(report!.reportId, owner);
  return { run, tally };
}
