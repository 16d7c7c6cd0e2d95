/**
 * Builds the whole docs site into a temporary folder (running every
 * solution, as `npm run docs` does) and checks what a reader relies on:
 * a page per lesson whose waterfalls draw exactly the spans its solution
 * produced, and no broken local link anywhere; and the Chinese edition beside
 * it (zh-CN/…), built from the translations (lessons/zh-CN, docs/zh-CN).
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext } from "playwright-core";
import { ROOT } from "../../shared/testing/load-lesson.ts";
import { lessonPagePath } from "../generator/lesson-page.ts";
import { buildSite, type BuildResult } from "../generator/site.ts";
import { groupTraces } from "../generator/waterfall.ts";
import { serveSite } from "../serve.ts";

const outDir = mkdtempSync(join(tmpdir(), "docs-site-"));
let result: BuildResult;

before(async () => {
  result = await buildSite({ root: ROOT, outDir });
}, { timeout: 300_000 });
after(() => rmSync(outDir, { recursive: true, force: true }));

const page = (path: string) => readFileSync(join(outDir, path), "utf8");

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? htmlFiles(join(dir, entry.name)) : entry.name.endsWith(".html") ? [join(dir, entry.name)] : [],
  );
}

describe("docs site: lesson pages", () => {
  it("has a home page that lists every lesson", () => {
    const home = page("index.html");
    // The lessons of this build: others may land while the tests run.
    for (const { lesson } of result.lessons) {
      assert.ok(home.includes(`href="${lessonPagePath(lesson)}"`), `🚨 the home page does not link to lesson ${lesson.slug}`);
    }
  });

  it("has a page per lesson, with the solution's trace drawn from the spans it really produced", () => {
    assert.ok(result.lessons.length > 0, "🚨 no lessons found: listLessons() returned nothing");
    for (const { lesson, run } of result.lessons) {
      assert.equal(run.exitCode, 0, `🚨 solutions/${lesson.slug}.ts exited ${run.exitCode} while the site was built:\n${run.output.slice(-800)}`);
      const html = page(lessonPagePath(lesson));
      const histograms = run.metrics.filter((metric) => metric.type === "HISTOGRAM").length;
      // The metrics lesson (the one whose solution creates a histogram) charts what it recorded.
      if (histograms > 0 && readFileSync(lesson.solutionPath, "utf8").includes(".createHistogram(")) {
        assert.ok(html.split('<svg class="histogram-chart"').length - 1 >= histograms, `🚨 ${lesson.slug}: one chart per histogram expected`);
      }
      // A lesson about metrics may switch its trace view off; every other lesson must draw its trace.
      assert.ok(run.spans.length > 0 || histograms > 0, `🚨 solutions/${lesson.slug}.ts produced no spans through TraceTreeExporter (WORKBOOK_TRACE_FILE stayed empty) and no histogram`);
      const svgs = [...html.matchAll(/<svg class="waterfall"[^>]*data-trace-id="(\w+)">([\s\S]*?)<\/svg>/g)];
      const traces = groupTraces(run.spans);
      assert.equal(svgs.length, Math.min(traces.length, 8), `🚨 ${lesson.slug}: one waterfall per trace expected`);
      for (const [, traceId, svg] of svgs) {
        const expected = run.spans.filter((span) => span.traceId === traceId);
        const rows = [...svg!.matchAll(/data-span-id="(\w+)"/g)].map((match) => match[1]);
        assert.deepEqual(
          [...rows].sort(),
          expected.map((span) => span.spanId).sort(),
          `🚨 ${lesson.slug}: the waterfall of trace ${traceId} must have one row per span of that trace`,
        );
      }
      assert.match(html, /<details class="spoiler"><summary>The solution/, `🚨 ${lesson.slug}: the solution should be folded`);
      assert.match(html, /class="hljs language-diff"/, `🚨 ${lesson.slug}: the exercise → solution diff is missing`);
    }
  });

  it("draws lesson 01's trace as the tree its solution makes", () => {
    const html = page("lessons/01-setup.html");
    const rows = [...html.matchAll(/data-depth="(\d+)" data-name="([^"]+)"/g)].map(([, depth, name]) => `${"  ".repeat(Number(depth))}${name}`);
    assert.deepEqual(rows, ["greet_user", "invoke_agent my_agent", "  chat gpt-4"]);
  });
});

describe("docs site: links", () => {
  it("has no broken local link: every href/src names a file of the site, and every #fragment an id on that page", () => {
    assert.deepEqual(result.brokenLinks, [], "🚨 markdown links that point at nothing");
    const problems: string[] = [];
    const ids = new Map<string, Set<string>>();
    const idsOf = (file: string) => {
      if (!ids.has(file)) ids.set(file, new Set([...readFileSync(file, "utf8").matchAll(/\sid="([^"]+)"/g)].map((match) => match[1]!)));
      return ids.get(file)!;
    };
    for (const file of htmlFiles(outDir)) {
      const html = readFileSync(file, "utf8");
      for (const [, attr, value] of html.matchAll(/\s(href|src)="([^"]*)"/g)) {
        if (/^(https?:|mailto:|data:)/.test(value!)) continue;
        const [path, fragment] = value!.split("#") as [string, string | undefined];
        const target = path ? join(dirname(file), decodeURIComponent(path)) : file;
        const where = `${relative(outDir, file)}: ${attr}="${value}"`;
        if (!existsSync(target)) problems.push(`${where} → no such file`);
        else if (fragment && target.endsWith(".html") && !idsOf(target).has(decodeURIComponent(fragment))) problems.push(`${where} → no id "${fragment}"`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it("loads nothing from the network: scripts, styles and images are local files", () => {
    for (const file of htmlFiles(outDir)) {
      const html = readFileSync(file, "utf8");
      assert.doesNotMatch(html, /<(script|img|iframe)[^>]+src="(https?:)?\/\//, `🚨 ${relative(outDir, file)} loads a remote resource`);
      assert.doesNotMatch(html, /<link[^>]+href="(https?:)?\/\/[^"]*"[^>]*>/, `🚨 ${relative(outDir, file)} links a remote stylesheet`);
    }
  });
});

describe("docs site: the Chinese edition", () => {
  const zhPages = () => htmlFiles(join(outDir, "zh-CN")).map((file) => relative(outDir, file));
  const switchOf = (path: string) => /<a class="lang-switch" href="([^"]+)"/.exec(page(path))?.[1];

  it("has a Chinese home, glossary and at least one Chinese lesson, each <html lang=\"zh-CN\">; English pages say lang=\"en\"", () => {
    for (const path of ["zh-CN/index.html", "zh-CN/glossary.html", "zh-CN/lessons/01-setup.html"]) assert.ok(zhPages().includes(path), `🚨 ${path} was not built`);
    for (const path of zhPages()) assert.match(page(path), /^<!doctype html>\n<html lang="zh-CN"/, `🚨 ${path} must declare lang="zh-CN"`);
    for (const path of ["index.html", "lessons/01-setup.html", "readme.html"]) assert.match(page(path), /^<!doctype html>\n<html lang="en"/, `🚨 ${path} must declare lang="en"`);
  });

  it("switches language to the same page, or to the other language's home when there is no twin", () => {
    assert.equal(switchOf("index.html"), "zh-CN/index.html");
    assert.equal(switchOf("zh-CN/index.html"), "../index.html");
    assert.equal(switchOf("lessons/01-setup.html"), "../zh-CN/lessons/01-setup.html");
    assert.equal(switchOf("zh-CN/lessons/01-setup.html"), "../../lessons/01-setup.html");
    assert.equal(switchOf("zh-CN/glossary.html"), "../index.html", "the glossary is Chinese only");
    const untranslated = result.lessons.find(({ lesson }) => !existsSync(join(outDir, "zh-CN", lessonPagePath(lesson))));
    if (untranslated) assert.equal(switchOf(lessonPagePath(untranslated.lesson)), "../zh-CN/index.html");
    for (const path of htmlFiles(outDir).map((file) => relative(outDir, file)).filter((path) => !path.startsWith("source/"))) {
      assert.ok(switchOf(path), `🚨 ${path} has no language switch`);
    }
  });

  it("draws the same trace on the Chinese lesson page as on the English one (one run per solution)", () => {
    const rows = (path: string) => [...page(path).matchAll(/data-span-id="(\w+)"/g)].map((match) => match[1]).sort();
    for (const path of zhPages().filter((path) => path.startsWith("zh-CN/lessons/"))) {
      assert.deepEqual(rows(path), rows(path.slice("zh-CN/".length)), `🚨 ${path} draws other spans than its English twin`);
    }
  });

  it("translates navigation and layout, and rewrites links in Chinese texts to Chinese pages", () => {
    const home = page("zh-CN/index.html");
    for (const label of ["从这里开始", "课程", "指南", "跳到正文"]) assert.ok(home.includes(label), `🚨 the Chinese layout lacks "${label}"`);
    assert.doesNotMatch(home, />(Start here|Lessons|Guides)</, "🚨 English navigation labels on a Chinese page");
    assert.match(home, /href="lessons\/01-setup\.html"/, "🚨 the Chinese home should link to the Chinese lesson 01");
    assert.match(page("zh-CN/lessons/01-setup.html"), /<h2[^>]*>任务 1：/);
    assert.match(page("zh-CN/lessons/01-setup.html"), /参考答案产生的 trace/);
  });

  it("has a search index per language, the Chinese one holding Chinese pages only", () => {
    assert.match(page("zh-CN/index.html"), /src="\.\.\/assets\/search-index\.zh-CN\.js"/);
    assert.match(page("index.html"), /src="assets\/search-index\.js"/);
    const hrefs = (file: string) => [...page(file).matchAll(/"href":"([^"]+)"/g)].map((match) => match[1]!);
    assert.ok(hrefs("assets/search-index.zh-CN.js").every((href) => href.startsWith("zh-CN/")), "🚨 English pages in the Chinese index");
    assert.ok(hrefs("assets/search-index.js").every((href) => !href.startsWith("zh-CN/")), "🚨 Chinese pages in the English index");
  });
});

// ---------------------------------------------------------------- in Chromium

const CHROMIUM = "/usr/bin/chromium";
/** One character drawn on a canvas: how many pixels it inked, and which (a bitmap as a string). */
interface Glyph {
  text: string;
  ink: number;
  signature: string;
}
const noChromium = existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium; .ci/run does) to run the browser checks`;

describe("docs site in headless Chromium", { skip: noChromium }, () => {
  let browser: BrowserContext;
  let server: Server | undefined;
  const profile = mkdtempSync(join(tmpdir(), "docs-chromium-"));

  before(async () => {
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      viewport: { width: 1280, height: 900 },
    });
  });
  after(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    rmSync(profile, { recursive: true, force: true });
  });

  /** A page that records console errors, uncaught exceptions and every URL it requests. */
  async function open(url: string) {
    const tab = await browser.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    tab.on("console", (message) => void (message.type() === "error" && errors.push(message.text())));
    tab.on("pageerror", (error) => void errors.push(error.message));
    tab.on("request", (request) => void requests.push(request.url()));
    await tab.goto(url);
    return { tab, errors, requests };
  }
  const fileUrl = (path: string) => pathToFileURL(join(outDir, path)).href;

  it("renders every lesson page from file:// with no console error and no network request", async () => {
    for (const path of ["index.html", ...result.lessons.map(({ lesson }) => lessonPagePath(lesson)), "readme.html"]) {
      const { tab, errors, requests } = await open(fileUrl(path));
      assert.deepEqual(errors, [], `🚨 console errors on ${path}`);
      assert.deepEqual(requests.filter((url) => !url.startsWith("file:")), [], `🚨 ${path} made network requests`);
      assert.ok(await tab.locator("main h1").first().isVisible(), `🚨 ${path} shows no heading`);
      if (path.startsWith("lessons/")) {
        const drawings = (await tab.locator("svg.waterfall").count()) + (await tab.locator("svg.histogram-chart").count());
        assert.ok(drawings > 0, `🚨 ${path} has no waterfall and no chart`);
      }
      await tab.close();
    }
  });

  it("navigates: sidebar to a lesson, then next and previous", async () => {
    const { tab, errors } = await open(fileUrl("index.html"));
    const first = result.lessons[0]!.lesson;
    await tab.locator(".sidebar a", { hasText: first.title.split(":")[0]! }).first().click();
    await tab.waitForURL(`**/${lessonPagePath(first)}`);
    await tab.locator(".pager a.next").click();
    await tab.waitForLoadState();
    assert.notEqual(new URL(tab.url()).pathname.split("/").pop(), `${first.slug}.html`, "🚨 Next did not leave the page");
    await tab.locator(".pager a.prev").click();
    await tab.waitForURL(`**/${lessonPagePath(first)}`);
    // Theme switch: the reader's choice lands on <html> (and the CSS follows it).
    await tab.locator(".theme-button").click();
    assert.match(String(await tab.evaluate("document.documentElement.dataset.theme")), /^(dark|light)$/);
    assert.deepEqual(errors, []);
    await tab.close();
  });

  it("searches every page and takes the reader to the hit", async () => {
    const { tab, errors } = await open(fileUrl("index.html"));
    await tab.locator("#search").fill("BatchSpanProcessor");
    const hits = tab.locator("#search-results a");
    await hits.first().waitFor();
    assert.ok((await hits.count()) > 0, "🚨 no search results for BatchSpanProcessor");
    await tab.locator("#search").press("Enter");
    await tab.waitForURL(/\/lessons\/|\/guides\/|readme\.html/);
    assert.match(await tab.locator("main").innerText(), /BatchSpanProcessor/);
    assert.deepEqual(errors, []);
    await tab.close();
  });

  it("opens a Chinese page: lang zh-CN, the switch to English and back, a Chinese search hit", async () => {
    const { tab, errors } = await open(fileUrl("zh-CN/index.html"));
    assert.equal(await tab.evaluate(() => document.documentElement.lang), "zh-CN");
    await tab.locator("a.lang-switch").click();
    await tab.waitForURL((url) => url.pathname.endsWith("/index.html") && !url.pathname.includes("/zh-CN/"));
    assert.equal(await tab.evaluate(() => document.documentElement.lang), "en");
    await tab.locator("a.lang-switch").click();
    await tab.waitForURL("**/zh-CN/index.html");
    for (const word of ["技术讨论组", "采样", "上下文传播"]) {
      await tab.locator("#search").fill(word);
      const hits = tab.locator("#search-results a");
      await hits.first().waitFor({ timeout: 5_000 }).catch(() => undefined);
      assert.ok((await hits.count()) > 0, `🚨 no search results for ${word} on the Chinese site`);
      const href = await hits.first().getAttribute("href");
      assert.match(String(href), /zh-CN\//, `🚨 a Chinese search must land on a Chinese page, not ${href}`);
    }
    await tab.locator("#search").press("Enter");
    await tab.waitForURL(/\/zh-CN\//);
    assert.match(await tab.locator("main").innerText(), /上下文传播/);
    assert.deepEqual(errors, []);
    await tab.close();
  });

  it("draws the seed's names (技术讨论组) with a real font: every character its own glyph, none the missing-glyph box", async () => {
    // The page where the name appears: lesson 08's waterfall once translated, else the Chinese home.
    const path = existsSync(join(outDir, "zh-CN/lessons/08-group-chat.html")) ? "zh-CN/lessons/08-group-chat.html" : "zh-CN/index.html";
    const { tab } = await open(fileUrl(path));
    assert.ok((await tab.evaluate(() => document.documentElement.textContent ?? "")).includes("技术讨论组"), `🚨 ${path} does not show 技术讨论组`);
    // Each character drawn alone in the page's own font, as pixels. Without a CJK font every one
    // comes out as the same missing-glyph box, identical to U+FFFF (a noncharacter no font has).
    // A string, not a function: tsx would wrap a named inner function in a helper the page does not have.
    const glyphs = (await tab.evaluate(`(() => {
      const font = "32px " + getComputedStyle(document.body).fontFamily;
      const draw = (text) => {
        const canvas = document.createElement("canvas");
        canvas.width = 48;
        canvas.height = 48;
        const context = canvas.getContext("2d");
        context.font = font;
        context.fillStyle = "#000";
        context.fillText(text, 4, 36);
        const pixels = context.getImageData(0, 0, 48, 48).data;
        let ink = 0;
        let signature = "";
        for (let i = 3; i < pixels.length; i += 4) {
          ink += pixels[i] > 0 ? 1 : 0;
          signature += pixels[i] > 127 ? "1" : "0";
        }
        return { text, ink, signature };
      };
      return { font, missing: draw("\\uffff"), chars: [..."技术讨论组"].map(draw) };
    })()`)) as { font: string; missing: Glyph; chars: Glyph[] };
    const fontList = glyphs.font;
    for (const char of glyphs.chars) {
      assert.ok(char.ink > 20, `🚨 ${char.text} drew no ink in ${fontList}`);
      assert.notEqual(char.signature, glyphs.missing.signature, `🚨 ${char.text} is drawn as the missing-glyph box: no CJK font in ${fontList}. Install one (Debian: apt-get install fonts-noto-cjk; .ci/run does)`);
    }
    const distinct = new Set(glyphs.chars.map((char) => char.signature)).size;
    assert.equal(distinct, 5, `🚨 技术讨论组 drew ${distinct} distinct glyphs, not 5: the characters fall back to one box shape (no CJK font in ${fontList})`);
    await tab.close();
  });

  it("serves the site on 127.0.0.1 and renders a lesson page (screenshot saved)", async (t) => {
    server = await serveSite(outDir, 0);
    const { port } = server.address() as AddressInfo;
    const { tab, errors, requests } = await open(`http://127.0.0.1:${port}/lessons/01-setup.html#the-trace-the-solution-produces`);
    assert.deepEqual(errors, []);
    assert.deepEqual(requests.filter((url) => !url.startsWith(`http://127.0.0.1:${port}/`)), [], "🚨 requests beyond the local server");
    const rows = tab.locator("svg.waterfall g.wf-row");
    assert.equal(await rows.count(), result.lessons.find(({ lesson }) => lesson.id === "01")!.run.spans.length);
    const shot = join(mkdtempSync(join(tmpdir(), "docs-shot-")), "lesson-01.png");
    await tab.screenshot({ path: shot, fullPage: false });
    t.diagnostic(`screenshot: ${shot}`);
    await tab.close();
  });
});
