/** Types of `parse-prometheus-text-format` (it ships none): the families it parses. */
declare module "parse-prometheus-text-format" {
  /** One sample of a counter or gauge. */
  export interface PrometheusSample {
    readonly labels?: Readonly<Record<string, string>>;
    readonly value: string;
  }
  /** One series of a histogram. */
  export interface PrometheusHistogramSample {
    readonly labels?: Readonly<Record<string, string>>;
    readonly buckets: Readonly<Record<string, string>>;
    readonly count: string;
    readonly sum: string;
  }
  /** One metric family. */
  export interface PrometheusFamily {
    readonly name: string;
    readonly help: string;
    readonly type: "COUNTER" | "GAUGE" | "HISTOGRAM" | "SUMMARY" | "UNTYPED";
    readonly metrics: ReadonlyArray<PrometheusSample & Partial<PrometheusHistogramSample>>;
  }
  /** Parse the Prometheus text exposition format. */
  export default function parsePrometheusTextFormat(text: string): PrometheusFamily[];
}
