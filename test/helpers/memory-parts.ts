/**
 * The fan-out's part store in memory (fan-out-ports.ts), over a MemoryReports' report item: the
 * same contract as functions/adapters/dynamo-part-store.ts (the first split wins, leases that
 * expire, numbered checkpoints that add the page's counts to the report, one caller finishes the
 * report). Used by the send-rate simulation (bench/send-rate-sim.ts).
 */
import { partShards } from '../../functions/core/rate-shares.ts';
import type { PauseKind, ReportCursor, ReportRecord } from '../../functions/core/report.ts';
import type { PartRecord, PartStore } from '../../functions/core/use-cases/fan-out-ports.ts';
import type { CountDelta } from '../../functions/core/use-cases/sending-ports.ts';
import type { MemoryReports } from './memory-sending.ts';

export class MemoryParts implements PartStore {
  readonly parts: PartRecord[] = [];

  constructor(private readonly reports: MemoryReports) {}

  async split(reportId: string, n: number, weights?: readonly number[]): Promise<PartRecord[]> {
    const r = this.reports.record;
    if (r.parts === undefined) {
      r.parts = n;
      if (weights?.length === n) r.partWeights = [...weights];
    }
    for (let k = this.parts.length; k < r.parts; k++)
      this.parts.push({ reportId, part: k, parts: r.parts, ...partShards(k, r.parts) });
    return this.list();
  }

  async list(): Promise<PartRecord[]> {
    return this.parts.map((p) => ({ ...p }));
  }

  async lease(_id: string, k: number, owner: string, now: Date, until: Date): Promise<PartRecord | null> {
    const p = this.parts[k];
    if (!p || p.done) return null;
    if (p.leaseUntil && p.leaseUntil >= now.toISOString() && p.leaseOwner !== owner) return null;
    Object.assign(p, { leaseOwner: owner, leaseUntil: until.toISOString() });
    return { ...p };
  }

  async release(_id: string, k: number, owner: string, recentSends: readonly number[] = []): Promise<void> {
    const p = this.parts[k];
    if (p?.leaseOwner !== owner) return;
    delete p.leaseOwner;
    delete p.leaseUntil;
    if (recentSends.length) p.recentSends = [...recentSends];
    else delete p.recentSends;
  }

  async checkpoint(
    _id: string,
    k: number,
    owner: string,
    saved: number,
    cursor: ReportCursor,
    add: CountDelta,
  ): Promise<boolean> {
    const p = this.parts[k];
    if (p?.leaseOwner !== owner || (p.checkpoints ?? 0) !== saved) return false;
    p.cursor = cursor;
    p.checkpoints = saved + 1;
    const counts = this.reports.record.counts as unknown as Record<string, number>;
    for (const [name, n] of Object.entries(add)) if (n) counts[name] = (counts[name] ?? 0) + n;
    return true;
  }

  async finishPart(_id: string, k: number, owner: string, now: Date): Promise<ReportRecord | null> {
    const p = this.parts[k];
    if (p?.leaseOwner !== owner || p.done) return null;
    p.done = true;
    delete p.leaseOwner;
    delete p.leaseUntil;
    const r = this.reports.record;
    r.partsDone = (r.partsDone ?? 0) + 1;
    r.partsFinished = [...(r.partsFinished ?? []), { part: k, at: now.toISOString() }];
    r.updatedAt = now.toISOString();
    return structuredClone(r);
  }

  async finishReport(_id: string, n: number, now: Date): Promise<ReportRecord | null> {
    const r = this.reports.record;
    if (r.status !== 'SENDING' || (r.partsDone ?? 0) < n) return null;
    Object.assign(r, { status: 'SENT', completedAt: now.toISOString() });
    return structuredClone(r);
  }

  async pauseReport(_id: string, reason: string, _now: Date, kind: PauseKind): Promise<ReportRecord | null> {
    const r = this.reports.record;
    if (r.status !== 'SENDING') return null;
    Object.assign(r, { status: 'PAUSED', pauseReason: reason, pauseKind: kind });
    return structuredClone(r);
  }
}
