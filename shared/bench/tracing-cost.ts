/**
 * `npm run bench`: what does a span cost? The seed guide answers "性能影响？"
 * (performance impact?) with "use sampling and async export"; this puts
 * numbers on that answer, measured in one run on this machine:
 *
 *   no SDK              the API alone: what a library costs when nobody set up OpenTelemetry
 *   sampling off        SDK registered, AlwaysOffSampler: non-recording spans
 *   batch processor     recorded spans, BatchSpanProcessor, an exporter that discards
 *   simple processor    recorded spans, SimpleSpanProcessor (exports inside end())
 *   10 attributes       batch processor, ten attributes per span
 *
 * Each operation is `tracer.startSpan(name, options).end()`. The exporter
 * discards, so the figures are the SDK's own cost, not the network's.
 *
 * Options: --iterations N (or BENCH_ITERATIONS; default 200000 per scenario),
 *          --out DIR (or BENCH_OUT; default .workbook/bench), --rounds N (default 3; the median is kept).
 * Writes DIR/tracing-cost.json and DIR/tracing-cost.md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join, resolve } from "node:path";
import { trace, type Attributes, type Tracer } from "@opentelemetry/api";
import { ExportResultCode } from "@opentelemetry/core";
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
} from "@opentelemetry/sdk-trace-base";
import { ROOT } from "../testing/load-lesson.ts";
import { runMain } from "../workbook/run-main.ts";

/** Receives spans and drops them: the cost measured is the SDK's, not a backend's. */
const discardingExporter = (): SpanExporter => ({
  export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }),
  shutdown: async () => {},
});

const TEN_ATTRIBUTES: Attributes = {
  "gen_ai.operation.name": "chat",
  "gen_ai.provider.name": "fake",
  "gen_ai.request.model": "gpt-4o",
  "gen_ai.request.max_tokens": 512,
  "gen_ai.request.temperature": 0.2,
  "gen_ai.response.id": "chatcmpl-49c4421e",
  "gen_ai.response.model": "gpt-4o-2024-08-06",
  "gen_ai.usage.input_tokens": 30,
  "gen_ai.usage.output_tokens": 22,
  "gen_ai.response.finish_reasons": ["stop"],
};

interface Scenario {
  name: string;
  /** Builds a fresh tracer; returns it with a function that shuts its provider down. */
  setup(): { tracer: Tracer; shutdown(): Promise<void> };
  attributes?: Attributes;
}

const SCENARIOS: Scenario[] = [
  {
    name: "no SDK (no-op API)",
    // No global provider registered: the API hands out its no-op tracer.
    setup: () => ({ tracer: trace.getTracer("bench"), shutdown: async () => {} }),
  },
  {
    name: "SDK, sampling off (non-recording)",
    setup: () => {
      const provider = new BasicTracerProvider({ sampler: new AlwaysOffSampler(), spanProcessors: [new BatchSpanProcessor(discardingExporter())] });
      return { tracer: provider.getTracer("bench"), shutdown: () => provider.shutdown() };
    },
  },
  {
    name: "SDK, batch processor",
    setup: () => {
      const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(discardingExporter())] });
      return { tracer: provider.getTracer("bench"), shutdown: () => provider.shutdown() };
    },
  },
  {
    name: "SDK, simple processor",
    setup: () => {
      const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(discardingExporter())] });
      return { tracer: provider.getTracer("bench"), shutdown: () => provider.shutdown() };
    },
  },
  {
    name: "SDK, batch processor, 10 attributes",
    attributes: TEN_ATTRIBUTES,
    setup: () => {
      const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(discardingExporter())] });
      return { tracer: provider.getTracer("bench"), shutdown: () => provider.shutdown() };
    },
  },
];

/** Spans per chunk; between chunks the event loop turns, so a batch processor can export as it would in a service. */
const CHUNK = 500;
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * CPU nanoseconds per span (user + system time of this process). CPU time,
 * not wall time: on a shared machine other processes stretch the wall clock,
 * while the work a span costs stays what it is.
 */
async function timeSpans(tracer: Tracer, iterations: number, attributes: Attributes | undefined): Promise<number> {
  const options = attributes ? { attributes } : undefined;
  const started = process.cpuUsage();
  for (let done = 0; done < iterations; done += CHUNK) {
    const n = Math.min(CHUNK, iterations - done);
    for (let i = 0; i < n; i++) tracer.startSpan("operation", options).end();
    // The wait is inside the timing on purpose: the export work done there is part of the cost.
    await yieldToLoop();
  }
  const used = process.cpuUsage(started);
  return ((used.user + used.system) * 1000) / iterations;
}

export interface BenchRow {
  scenario: string;
  nsPerSpan: number;
  ratioToNoop: number;
}

export interface BenchResult {
  date: string;
  node: string;
  cpu: string;
  iterations: number;
  rounds: number;
  rows: BenchRow[];
}

export async function runBench(iterations: number, rounds: number): Promise<BenchResult> {
  const medians: number[] = [];
  for (const scenario of SCENARIOS) {
    const { tracer, shutdown } = scenario.setup();
    // Warm-up: let the JIT compile the hot path before timing it.
    await timeSpans(tracer, Math.min(iterations, 20_000), scenario.attributes);
    const samples: number[] = [];
    for (let round = 0; round < rounds; round++) samples.push(await timeSpans(tracer, iterations, scenario.attributes));
    await shutdown();
    samples.sort((a, b) => a - b);
    medians.push(samples[Math.floor(samples.length / 2)]!);
  }
  // Never divide by zero: a very short run can measure the no-op case below the clock's resolution.
  const noop = Math.max(medians[0]!, 1);
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpu: `${cpus()[0]?.model ?? "unknown"} (${cpus().length} cores)`,
    iterations,
    rounds,
    rows: SCENARIOS.map((scenario, index) => ({
      scenario: scenario.name,
      nsPerSpan: Math.round(medians[index]!),
      ratioToNoop: Number((medians[index]! / noop).toFixed(1)),
    })),
  };
}

export function toMarkdown(result: BenchResult): string {
  const lines = [
    "| scenario | CPU ns per span | × no-op |",
    "| --- | ---: | ---: |",
    ...result.rows.map((row) => `| ${row.scenario} | ${row.nsPerSpan.toLocaleString("en")} | ${row.ratioToNoop.toFixed(1)} |`),
  ];
  return `${lines.join("\n")}\n\n${result.iterations.toLocaleString("en")} spans per scenario, median of ${result.rounds} rounds; Node ${result.node}, ${result.cpu}, ${result.date.slice(0, 10)}.\n`;
}

function option(name: string, envName: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return (index >= 0 ? process.argv[index + 1] : undefined) ?? process.env[envName] ?? fallback;
}

async function main(): Promise<void> {
  const iterations = Number(option("iterations", "BENCH_ITERATIONS", "200000"));
  const rounds = Number(option("rounds", "BENCH_ROUNDS", "3"));
  if (!Number.isInteger(iterations) || iterations <= 0 || !Number.isInteger(rounds) || rounds <= 0) {
    console.error("🚨 --iterations and --rounds must be positive integers");
    process.exitCode = 1;
    return;
  }
  const out = resolve(ROOT, option("out", "BENCH_OUT", ".workbook/bench"));
  console.log(`Cost of tracing: ${iterations.toLocaleString("en")} spans per scenario, ${rounds} rounds…\n`);
  const result = await runBench(iterations, rounds);
  const markdown = toMarkdown(result);
  console.log(markdown);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "tracing-cost.json"), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(out, "tracing-cost.md"), markdown);
  console.log(`Written: ${join(out, "tracing-cost.json")} and tracing-cost.md (see docs/guides/performance.md)`);
}

// Runs only when executed (npm run bench), not when a test imports toMarkdown().
runMain(import.meta.url, main);
