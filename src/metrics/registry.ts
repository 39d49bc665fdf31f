/**
 * A small Prometheus registry: counters, gauges and summaries (count + sum), with labels.
 * Features register their metrics once at module load and update them; `/metrics`
 * renders the text format. Gauges can be computed at scrape time (queue depth).
 */
type Labels = Record<string, string | number>;

function labelKey(labels: Labels | undefined): string {
  if (!labels) return '';
  const keys = Object.keys(labels).sort();
  return keys.map((k) => `${k}="${String(labels[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',');
}

abstract class Metric {
  constructor(readonly name: string, readonly help: string, readonly type: 'counter' | 'gauge' | 'summary') {}
  abstract lines(): Promise<string[]> | string[];
}

export class Counter extends Metric {
  private values = new Map<string, number>();
  constructor(name: string, help: string) {
    super(name, help, 'counter');
  }
  inc(labels?: Labels, by = 1): void {
    const k = labelKey(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  get(labels?: Labels): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }
  lines(): string[] {
    return [...this.values].map(([k, v]) => `${this.name}${k ? `{${k}}` : ''} ${v}`);
  }
}

export class Gauge extends Metric {
  private values = new Map<string, number>();
  constructor(name: string, help: string, private collect?: () => Promise<Array<[Labels | undefined, number]>> | Array<[Labels | undefined, number]>) {
    super(name, help, 'gauge');
  }
  set(value: number, labels?: Labels): void {
    this.values.set(labelKey(labels), value);
  }
  async lines(): Promise<string[]> {
    if (this.collect) {
      for (const [labels, v] of await this.collect()) this.values.set(labelKey(labels), v);
    }
    return [...this.values].map(([k, v]) => `${this.name}${k ? `{${k}}` : ''} ${v}`);
  }
}

export class Summary extends Metric {
  private values = new Map<string, { count: number; sum: number }>();
  constructor(name: string, help: string) {
    super(name, help, 'summary');
  }
  observe(value: number, labels?: Labels): void {
    const k = labelKey(labels);
    const v = this.values.get(k) ?? { count: 0, sum: 0 };
    v.count++;
    v.sum += value;
    this.values.set(k, v);
  }
  lines(): string[] {
    return [...this.values].flatMap(([k, v]) => [
      `${this.name}_count${k ? `{${k}}` : ''} ${v.count}`,
      `${this.name}_sum${k ? `{${k}}` : ''} ${v.sum}`,
    ]);
  }
}

export class MetricsRegistry {
  private metrics = new Map<string, Metric>();

  private add<T extends Metric>(m: T): T {
    const existing = this.metrics.get(m.name);
    if (existing) return existing as T; // modules loaded twice (tests) share one metric
    this.metrics.set(m.name, m);
    return m;
  }
  counter(name: string, help: string): Counter {
    return this.add(new Counter(name, help));
  }
  gauge(name: string, help: string, collect?: ConstructorParameters<typeof Gauge>[2]): Gauge {
    return this.add(new Gauge(name, help, collect));
  }
  summary(name: string, help: string): Summary {
    return this.add(new Summary(name, help));
  }
  async render(): Promise<string> {
    const out: string[] = [];
    for (const m of this.metrics.values()) {
      out.push(`# HELP ${m.name} ${m.help}`, `# TYPE ${m.name} ${m.type}`, ...(await m.lines()));
    }
    return out.join('\n') + '\n';
  }
}

/** The process-wide registry (one service per process; tests read values relative to a start). */
export const metrics = new MetricsRegistry();
