/** Reads CloudWatch embedded-metric-format (EMF) records out of captured stdout. */
export interface EmfRecord {
  namespace: string;
  /** The dimension values, by name (only the dimensions the record declares). */
  dimensions: Record<string, string>;
  /** Each metric's value (summed when EMF carries a list) and unit. */
  metrics: Record<string, { value: number; unit: string }>;
}

export function emfRecords(text: string): EmfRecord[] {
  const records: EmfRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes('"_aws"')) continue;
    const doc = JSON.parse(line) as Record<string, unknown> & {
      _aws: {
        CloudWatchMetrics: {
          Namespace: string;
          Dimensions: string[][];
          Metrics: { Name: string; Unit: string }[];
        }[];
      };
    };
    for (const d of doc._aws.CloudWatchMetrics) {
      const dimensions: Record<string, string> = {};
      for (const name of d.Dimensions.flat()) dimensions[name] = String(doc[name]);
      const metrics: EmfRecord['metrics'] = {};
      for (const m of d.Metrics) {
        const v = doc[m.Name] as number | number[];
        metrics[m.Name] = { value: Array.isArray(v) ? v.reduce((a, b) => a + b, 0) : v, unit: m.Unit };
      }
      records.push({ namespace: d.Namespace, dimensions, metrics });
    }
  }
  return records;
}

/** The sum of a metric over the records, optionally only those with this outcome. */
export function total(records: EmfRecord[], name: string, outcome?: string): number {
  return records
    .filter((r) => name in r.metrics && (outcome === undefined || r.dimensions.outcome === outcome))
    .reduce((sum, r) => sum + r.metrics[name]!.value, 0);
}
