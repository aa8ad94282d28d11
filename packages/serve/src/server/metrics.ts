// The server's metrics in Prometheus text format (exposition format 0.0.4): counters by label, histograms with
// cumulative buckets, and gauges read at scrape time. GET /metrics renders them.

type Labels = Record<string, string>;

function labelText(l: Labels): string {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
}

function fmt(x: number): string {
  return Number.isFinite(x) ? String(x) : x > 0 ? "+Inf" : x < 0 ? "-Inf" : "NaN";
}

interface Metric {
  render(): string[];
}

export class Counter implements Metric {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const k = labelText(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }

  get(labels: Labels = {}): number {
    return this.values.get(labelText(labels)) ?? 0;
  }

  render(): string[] {
    const out = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    if (this.values.size === 0) out.push(`${this.name} 0`);
    for (const [k, v] of this.values) out.push(`${this.name}${k} ${fmt(v)}`);
    return out;
  }
}

export class Gauge implements Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly read: () => number,
  ) {}

  render(): string[] {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`, `${this.name} ${fmt(this.read())}`];
  }
}

export class Histogram implements Metric {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;
  constructor(
    readonly name: string,
    readonly help: string,
    /** Upper bounds, ascending; +Inf is implied. */
    readonly buckets: readonly number[],
  ) {
    this.counts = new Array(buckets.length).fill(0);
  }

  observe(x: number): void {
    this.sum += x;
    this.count++;
    const i = this.buckets.findIndex((b) => x <= b);
    if (i >= 0) this.counts[i]++;
  }

  render(): string[] {
    const out = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    let cum = 0;
    this.buckets.forEach((b, i) => {
      cum += this.counts[i];
      out.push(`${this.name}_bucket{le="${fmt(b)}"} ${cum}`);
    });
    out.push(`${this.name}_bucket{le="+Inf"} ${this.count}`, `${this.name}_sum ${fmt(this.sum)}`, `${this.name}_count ${this.count}`);
    return out;
  }
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Every metric the server keeps. */
export class ServerMetrics {
  readonly requests = new Counter("lathe_requests_total", "HTTP requests answered, by route and status code.");
  readonly promptTokens = new Counter("lathe_prompt_tokens_total", "Prompt tokens processed.");
  readonly generatedTokens = new Counter("lathe_generation_tokens_total", "Tokens generated.");
  readonly cancelled = new Counter("lathe_cancelled_requests_total", "Generation requests cut short, by reason (disconnect, timeout).");
  readonly ttft = new Histogram("lathe_time_to_first_token_seconds", "Seconds from a choice's submission to its first generated token.", LATENCY_BUCKETS);
  readonly perToken = new Histogram("lathe_time_per_output_token_seconds", "Seconds between consecutive generated tokens.", LATENCY_BUCKETS);
  readonly duration = new Histogram("lathe_request_duration_seconds", "Seconds from a request's arrival to its last byte of answer (streams: to [DONE]).", LATENCY_BUCKETS);
  private readonly gauges: Gauge[];

  constructor(stats: () => { running: number; queued: number; batch: number }, waiting: () => number) {
    this.gauges = [
      new Gauge("lathe_queue_depth", "Requests the engine holds waiting for a slot.", () => stats().queued),
      new Gauge("lathe_running_requests", "Requests the engine is generating for.", () => stats().running),
      new Gauge("lathe_batch_size", "Sequences in the engine's last decode step.", () => stats().batch),
      new Gauge("lathe_waiting_requests", "Admitted requests still waiting for their first token (what max_queue bounds).", waiting),
    ];
  }

  render(): string {
    const all: Metric[] = [this.requests, this.promptTokens, this.generatedTokens, this.cancelled, this.ttft, this.perToken, this.duration, ...this.gauges];
    return `${all.flatMap((m) => m.render()).join("\n")}\n`;
  }
}
