/**
 * One lesson's page: its text, then what the solution really does (the trace
 * it produced, drawn as waterfalls; for the metrics lesson, its histograms),
 * the tests per task, the exercise, the solution (folded: no spoilers), and
 * the diff between them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createTwoFilesPatch } from "diff";
import type { SpanRecord } from "../../shared/trace-view/dump.ts";
import { cleanSolution, deriveExercise } from "../../shared/authoring/derive.ts";
import type { Lesson } from "../../shared/workbook/lessons.ts";
import { renderMetrics } from "./histogram.ts";
import type { SiteLinks } from "./links.ts";
import { codeBlock, escapeHtml, renderMarkdown, slugify, type Heading, type Section } from "./markdown.ts";
import type { SolutionRun } from "./run-solution.ts";
import { LABELS, type Labels } from "./labels.ts";
import type { Lang } from "../../shared/i18n/lang.ts";
import { testsByTask } from "./test-names.ts";
import { formatMs, groupTraces, renderSpanDetails, renderWaterfall, serviceSlots } from "./waterfall.ts";

/** More traces than this (a sampling lesson makes hundreds) are summarised, not drawn. */
const MAX_TRACES = 8;

export interface LessonPage {
  path: string;
  title: string;
  body: string;
  headings: Heading[];
  sections: Section[];
}

/** The lesson's page in a language: lessons/NN-topic.html, zh-CN/lessons/NN-topic.html. */
export function lessonPagePath(lesson: Lesson, lang: Lang = "en"): string {
  return `${lang === "en" ? "" : `${lang}/`}lessons/${lesson.slug}.html`;
}

/** Which text a page is built from: the English lesson text, or its translation. */
export interface LessonEdition {
  lang: Lang;
  /** Repo-relative markdown file, e.g. lessons/zh-CN/01-setup.md. */
  textFile: string;
}

export function buildLessonPage(lesson: Lesson, run: SolutionRun, links: SiteLinks, edition: LessonEdition = { lang: "en", textFile: `lessons/${lesson.slug}.md` }): LessonPage {
  const label: Labels = LABELS[edition.lang];
  const path = lessonPagePath(lesson, edition.lang);
  const textFile = edition.textFile;
  let text: ReturnType<typeof renderMarkdown>;
  try {
    text = renderMarkdown(readFileSync(join(links.root, textFile), "utf8"), textFile, path, links);
  } catch {
    // The solution landed before its text: the page still shows code and trace.
    text = renderMarkdown(`# ${lesson.slug}\n\n${label.notWritten}\n`, textFile, path, links);
  }

  const solutionSource = readFileSync(lesson.solutionPath, "utf8");
  const exercise = deriveExercise(solutionSource);
  const solution = cleanSolution(solutionSource);
  const taskIds = new Map(text.headings.filter((h) => /^(Task|任务) \d+/.test(h.text)).map((h) => [Number(/\d+/.exec(h.text)![0]), h.id]));

  const extra: Heading[] = [];
  const section = (title: string, inner: string) => {
    const id = slugify(title);
    extra.push({ level: 2, id, text: title });
    return `<section class="generated" aria-labelledby="${id}"><h2 id="${id}">${escapeHtml(title)}<a class="anchor" aria-hidden="true" href="#${id}">#</a></h2>${inner}</section>`;
  };

  const solutionFile = `solutions/${lesson.slug}.ts`;
  // A metrics-only solution (its trace view switched off) shows its charts instead of an empty trace.
  const metricsOnly = run.spans.length === 0 && run.metrics.length > 0 && run.exitCode === 0;
  const traceSection = metricsOnly ? "" : section(label.traceTitle, traceHtml(run, solutionFile));
  // Charts where the lesson itself records a histogram; elsewhere the GenAI client
  // metrics that tracedChat records on the side would only be noise.
  const teachesMetrics = /\.createHistogram\(/.test(solutionSource) || metricsOnly;
  const metricsSection = teachesMetrics && run.metrics.some((metric) => metric.type === "HISTOGRAM")
    ? section(label.metricsTitle, `<p>${label.metricsIntro}</p>${renderMetrics(run.metrics)}`)
    : "";

  let tests: ReturnType<typeof testsByTask> = [];
  try {
    tests = testsByTask(readFileSync(lesson.testPath, "utf8"));
  } catch {
    // no test file yet
  }
  const testsSection = tests.length
    ? section(
        label.testsTitle,
        `<p>${label.testsIntro(lesson.id)}</p>` +
          tests
            .map((task) => {
              const heading = taskIds.get(task.task);
              const title = escapeHtml(label.taskTitle(task.task, task.title));
              return `<h3 class="task-tests">${heading ? `<a href="#${escapeHtml(heading)}">${title}</a>` : title}</h3>` +
                `<ul class="tests">${task.tests.map((name) => `<li>${escapeHtml(name)}</li>`).join("")}</ul>`;
            })
            .join(""),
      )
    : "";

  const patch = createTwoFilesPatch(`lessons/${lesson.slug}.ts`, solutionFile, exercise, solution, "exercise", "solution", { context: 3 })
    .split("\n")
    .slice(1) // the "Index:" line and its rule say nothing here
    .filter((line) => !/^=+$/.test(line))
    .join("\n");
  const lessonLink = `<a href="${links.resolve(`lessons/${lesson.slug}.ts`, "README.md", path)}"><code>lessons/${lesson.slug}.ts</code></a>`;
  const codeSection = section(
    label.codeTitle,
    `<p>${label.codeIntro(lessonLink, lesson.slug)}</p>` +
      codeBlock(exercise, "typescript", label.exerciseLabel(lesson.slug)) +
      `<details class="spoiler"><summary>${label.solutionSummary(solutionFile)}</summary>${codeBlock(solution, "typescript", solutionFile)}</details>` +
      `<details class="spoiler"><summary>${label.diffSummary}</summary>${codeBlock(patch, "diff")}</details>`,
  );

  const outputSection = run.output.trim()
    ? `<details class="terminal"><summary>${label.prints(solutionFile)}</summary>${codeBlock(run.output.trimEnd(), "text")}</details>`
    : "";

  // In the metrics lesson the charts are the point, so they come first.
  const results = teachesMetrics ? `${metricsSection}${traceSection}${outputSection}` : `${traceSection}${outputSection}${metricsSection}`;
  const body = `<article class="lesson">${text.html}${results}${testsSection}${codeSection}</article>`;
  const headings = [...text.headings, ...extra];
  const sections = [
    ...text.sections,
    { id: slugify(label.codeTitle), heading: label.codeTitle, text: `${exercise}` },
    { id: slugify(label.testsTitle), heading: label.testsTitle, text: tests.flatMap((task) => [task.title, ...task.tests]).join(" ") },
    { id: slugify(label.traceTitle), heading: label.traceTitle, text: [...new Set(run.spans.map((span) => `${span.name} ${Object.keys(span.attributes).join(" ")}`))].join(" ") },
  ];
  return { path, title: text.title, body, headings, sections };
}

function traceHtml(run: SolutionRun, solutionFile: string): string {
  const problems: string[] = [];
  if (run.timedOut) problems.push("it did not finish in time and was stopped");
  else if (run.exitCode !== 0) problems.push(`it exited with status ${run.exitCode}`);
  const warning = problems.length
    ? `<div class="callout warning"><strong>While this page was built, <code>${solutionFile}</code> ${problems.join(", ")}.</strong> What it drew before that is below; its output is under “What it prints”.</div>`
    : "";
  if (run.spans.length === 0) {
    return `${warning}<p class="muted">The solution ended no spans, so there is nothing to draw.</p>`;
  }
  const traces = groupTraces(run.spans);
  const slots = serviceSlots(run.spans);
  const services = [...slots.entries()]
    .map(([service, slot]) => `<span class="legend-item svc-${slot}"><span class="dot"></span>${escapeHtml(service)}</span>`)
    .join("");
  const intro =
    `<p>Recorded while this page was built, by running <code>npx tsx ${solutionFile}</code> with <code>WORKBOOK_TRACE_FILE</code> set: ` +
    `every span it ended, ${run.spans.length} span${run.spans.length === 1 ? "" : "s"} in ${traces.length} trace${traces.length === 1 ? "" : "s"}. ` +
    `Hover a row for its attributes; click it for the full list. ✗ marks a span whose status is ERROR, ◆ an event, ↳ a span whose parent is in another process.</p>` +
    `<p class="legend">${services}</p>`;
  const drawn = traces.slice(0, MAX_TRACES).map((spans, index) => traceFigure(spans, slots, index)).join("");
  const rest = traces.slice(MAX_TRACES);
  const more = rest.length
    ? `<p class="muted">${rest.length} more trace${rest.length === 1 ? "" : "s"} (${rest.reduce((n, t) => n + t.length, 0)} spans) are not drawn: ${escapeHtml([...new Set(rest.map((t) => rootName(t)))].slice(0, 6).join(", "))}.</p>`
    : "";
  return warning + intro + drawn + more;
}

function traceFigure(spans: SpanRecord[], slots: ReadonlyMap<string, number>, index: number): string {
  const start = Math.min(...spans.map((span) => span.startMs));
  const end = Math.max(...spans.map((span) => span.startMs + span.durationMs));
  const services = [...new Set(spans.map((span) => span.service))];
  const errors = spans.filter((span) => span.status.code === "ERROR").length;
  const caption =
    `<strong>${escapeHtml(rootName(spans))}</strong> <span class="muted">trace <code>${spans[0]!.traceId.slice(0, 12)}…</code> · ` +
    `${spans.length} span${spans.length === 1 ? "" : "s"} · ${formatMs(end - start)} · ${escapeHtml(services.join(", "))}` +
    `${errors ? ` · <span class="status status-error">${errors} error${errors === 1 ? "" : "s"}</span>` : ""}</span>`;
  return `<figure class="trace" id="trace-${index + 1}"><figcaption>${caption}</figcaption>` +
    `<div class="waterfall-scroll">${renderWaterfall(spans, slots)}</div>` +
    `<details class="span-list"><summary>Attributes, events and links of ${spans.length === 1 ? "this span" : `these ${spans.length} spans`}</summary>${renderSpanDetails(spans, slots)}</details>` +
    `</figure>`;
}

function rootName(spans: readonly SpanRecord[]): string {
  const ids = new Set(spans.map((span) => span.spanId));
  const roots = spans.filter((span) => !span.parentSpanId || !ids.has(span.parentSpanId)).sort((a, b) => a.startMs - b.startMs);
  return roots[0]?.name ?? spans[0]!.name;
}
