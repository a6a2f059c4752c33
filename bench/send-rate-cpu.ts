/**
 * CPU accounting for the send-rate bench: what the dispatcher process spent per recipient once
 * it was sending (steady state) apart from its start-up, and what the other processes on the
 * same cores (DynamoDB Local, the SES emulator, the bench process with the latency proxy) spent
 * meanwhile, read from /proc (Linux; elsewhere those are left out).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** CPU ms of the dispatcher process: start-up, and per recipient over the middle of the send. */
export interface DispatcherCpu {
  /** Node and module loading, before the first invocation. */
  loadMs: number;
  /** From the first invocation to the first newsletter at the proxy: quota, lease, rendered output, first claims. */
  firstSendMs: number;
  /**
   * Per recipient between the arrivals of the median and the 90th percentile recipient (the
   * readers who arrived after the first, up to the second: a bulk call's arrive together): once the
   * process is warm (the first seconds of a fresh process still compile and load lazily what
   * the first calls reach), and before the last claims and the finish.
   */
  steadyMsPerRecipient: number;
  /** Everything after loading, divided by the recipients (the figure the README showed before). */
  allInMsPerRecipient: number;
}

/** CPU ms at epoch time `t`, linearly between the samples. */
function cpuAt(samples: readonly [number, number][], t: number): number {
  if (samples.length === 0) return 0;
  if (t <= samples[0]![0]) return samples[0]![1];
  for (let i = 1; i < samples.length; i++) {
    const [t1, c1] = samples[i]!;
    if (t <= t1) {
      const [t0, c0] = samples[i - 1]!;
      return t1 === t0 ? c1 : c0 + ((c1 - c0) * (t - t0)) / (t1 - t0);
    }
  }
  return samples.at(-1)![1];
}

export function dispatcherCpu(
  out: { loadCpuMs: number; cpuMs: number; samples: [number, number][] },
  arrivalsEpochMs: readonly number[],
): DispatcherCpu {
  const t = [...arrivalsEpochMs].sort((a, b) => a - b);
  const n = t.length;
  const lo = Math.floor(n * 0.5);
  const hi = Math.max(lo + 1, Math.floor(n * 0.9));
  // Readers of one SendBulkEmail arrive at one moment: the CPU from the request at t[lo] to the
  // one at t[hi] sent the readers that arrived after t[lo], up to t[hi].
  const readers = t.filter((a) => a > t[lo]! && a <= t[hi]!).length;
  const steady =
    n > 1 && readers > 0 ? (cpuAt(out.samples, t[hi]!) - cpuAt(out.samples, t[lo]!)) / readers : Number.NaN;
  return {
    loadMs: out.loadCpuMs,
    firstSendMs: n ? cpuAt(out.samples, t[0]!) : Number.NaN,
    steadyMsPerRecipient: steady,
    allInMsPerRecipient: n ? out.cpuMs / n : Number.NaN,
  };
}

interface ProcTimes {
  /** CPU ms (user + system) so far. */
  cpuMs: number;
  name: string;
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** Every process below `root` (children, grandchildren…), by pid; empty where /proc is missing. */
function descendants(root: number): Map<number, ProcTimes> {
  const all = new Map<number, { ppid: number; times: ProcTimes }>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return new Map();
  }
  for (const p of pids) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      // The command name is in parentheses and may contain spaces: fields are counted after it.
      const close = stat.lastIndexOf(')');
      const fields = stat.slice(close + 2).split(' ');
      const cmdline = readFileSync(`/proc/${p}/cmdline`, 'utf8').replaceAll('\0', ' ');
      all.set(Number(p), {
        ppid: Number(fields[1]),
        times: { cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks(), name: cmdline },
      });
    } catch {
      // Gone meanwhile.
    }
  }
  const out = new Map<number, ProcTimes>();
  const walk = (pid: number) => {
    for (const [p, v] of all) {
      if (v.ppid === pid && !out.has(p)) {
        out.set(p, v.times);
        walk(p);
      }
    }
  };
  walk(root);
  return out;
}

/** The emulators' processes by role. */
function role(cmdline: string): 'dynamo' | 'ses' | null {
  if (/\bjava\b/.test(cmdline) && /DynamoDBLocal/i.test(cmdline)) return 'dynamo';
  if (cmdline.includes('ses-emulator')) return 'ses';
  return null;
}

export interface EmulatorCpu {
  /** Share of one core each used over the measured interval (1 = a whole core). */
  dynamo: number;
  ses: number;
  /** The bench process: the latency proxy and s3rver. */
  bench: number;
}

/** Starts measuring the emulators' CPU; `stop()` gives their shares of a core since. */
export function measureEmulators(): { stop(): EmulatorCpu } {
  const t0 = performance.now();
  const own0 = process.cpuUsage();
  const before = descendants(process.pid);
  return {
    stop() {
      const wall = performance.now() - t0;
      const after = descendants(process.pid);
      const used = { dynamo: 0, ses: 0 };
      for (const [pid, p] of after) {
        const r = role(p.name);
        if (r) used[r] += p.cpuMs - (before.get(pid)?.cpuMs ?? 0);
      }
      const own = process.cpuUsage(own0);
      return {
        dynamo: used.dynamo / wall,
        ses: used.ses / wall,
        bench: (own.user + own.system) / 1000 / wall,
      };
    },
  };
}
