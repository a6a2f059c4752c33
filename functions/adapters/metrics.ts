/**
 * The metrics port on Powertools Metrics: CloudWatch embedded metric format (EMF) lines on
 * stdout, which Lambda's log stream turns into metrics with no API call. Namespace `Kawaraban`,
 * dimension `service` = the deployment (KAWARABAN_METRICS_SERVICE, the service stack's name, set by
 * infra/constructs/kawaraban-function.ts), plus `outcome` where a count has one.
 *
 * Counts are summed here and written at flush(): a dispatcher sending hundreds a second writes
 * one line per flush instead of one per hundred sends (Powertools' own limit). flush() runs at the
 * end of every invocation (withTelemetry) and, in a long run, at most every FLUSH_EVERY_MS.
 * A gauge is repeated in every later flush that writes counts, with its last value: the rate
 * alarm divides sends by MaxSendRate per period, and a run that read the quota once must not
 * leave periods with sends but no rate.
 */
import { MetricUnit, Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import type { MetricUnit as Unit } from '@aws-lambda-powertools/metrics/types';
import { METRIC, type MetricName, type Metrics, type Outcome } from '../core/metrics.ts';
import { METRICS_NAMESPACE } from './metrics-namespace.ts';

export const FLUSH_EVERY_MS = 60_000;

const UNITS: Partial<Record<MetricName, Unit>> = { [METRIC.maxSendRate]: MetricUnit.CountPerSecond };

export interface FlushingMetrics extends Metrics {
  /** Writes what was counted since the last flush (nothing when nothing was). */
  flush(): void;
  /** The Powertools instance, for its cold-start metric. */
  readonly powertools: PowertoolsMetrics;
}

export function emfMetrics(opts: { serviceName?: string; now?: () => number } = {}): FlushingMetrics {
  const powertools = new PowertoolsMetrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || METRICS_NAMESPACE,
    serviceName: opts.serviceName ?? (process.env.KAWARABAN_METRICS_SERVICE || 'kawaraban'),
  });
  const now = opts.now ?? Date.now;
  const counts = new Map<MetricName, number>();
  const byOutcome = new Map<string, { name: MetricName; outcome: Outcome; n: number }>();
  const gauges: { name: MetricName; value: number }[] = [];
  const lastGauge = new Map<MetricName, number>();
  let lastFlush = now();

  const flush = () => {
    lastFlush = now();
    for (const { name, outcome, n } of byOutcome.values()) {
      // A metric of its own dimensions: written at once, as one line.
      const single = powertools.singleMetric();
      single.addDimension('outcome', outcome);
      single.addMetric(name, MetricUnit.Count, n);
    }
    byOutcome.clear();
    if (counts.size === 0 && gauges.length === 0) return;
    const fresh = new Set(gauges.map((g) => g.name));
    for (const [name, value] of lastGauge) if (!fresh.has(name)) gauges.push({ name, value });
    for (const [name, n] of counts) powertools.addMetric(name, MetricUnit.Count, n);
    for (const { name, value } of gauges) powertools.addMetric(name, UNITS[name] ?? MetricUnit.Count, value);
    counts.clear();
    gauges.length = 0;
    powertools.publishStoredMetrics();
  };
  const maybeFlush = () => {
    if (now() - lastFlush >= FLUSH_EVERY_MS) flush();
  };

  return {
    powertools,
    flush,
    count(name, n = 1, outcome) {
      if (outcome) {
        const key = `${name}\u0000${outcome}`;
        const seen = byOutcome.get(key);
        if (seen) seen.n += n;
        else byOutcome.set(key, { name, outcome, n });
      } else {
        counts.set(name, (counts.get(name) ?? 0) + n);
      }
      maybeFlush();
    },
    gauge(name, value) {
      gauges.push({ name, value });
      lastGauge.set(name, value);
      maybeFlush();
    },
  };
}

/** The one instance of a function's process. */
export const metrics = emfMetrics();
