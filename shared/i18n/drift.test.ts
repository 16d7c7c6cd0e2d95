/**
 * The drift checker on small texts, one case per rule and both ways (a
 * faithful translation passes, one wrong detail fails with file, line and
 * what to do); then on every real English lesson, mechanically "translated",
 * so the checker cannot block a correct translation; then the repository itself.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ROOT } from "../paths.ts";
import { checkAll, checkPair, formatProblem, type Problem } from "./drift.ts";
import { chinesePathOf, englishTexts } from "./editions.ts";
import { fileHash } from "./translation-stamp.ts";

const ENGLISH = `# Lesson X: things

Read [the next lesson](02-y.md) and [the kit](../shared/paths.ts).

## Task 1: first

\`\`\`ts
// make a span
const span = tracer.startSpan("a"); // the name matters
const url = "http://example.com/#x"; /* not a comment inside a string */
\`\`\`

<details>
<summary>Hints</summary>

1. A nudge.
2. The API: \`tracer.startSpan\`.
3. \`tracer.startSpan("a")\` then \`span.end()\`.

</details>

## Task 2: second

<details>
<summary>Hints</summary>

1. One.
2. Two.
3. \`span.end()\`

</details>

### A detail

## When you are done

\`\`\`bash
# run it
npx tsx lessons/01-x.ts --name "a # b"
\`\`\`

\`\`\`
└── agent.run (12 ms)
\`\`\`
`;

const CHINESE = `<!-- zh-CN translation of lessons/01-x.md @ sha256:0123456789ab -->

# 第 X 课：一些事

阅读[下一课](02-y.md)和[工具包](../../shared/paths.ts)。

## 任务 1：第一步

\`\`\`ts
// 创建一个 span，
// 注释可以换行
const span = tracer.startSpan("a"); // 名字很重要
const url = "http://example.com/#x"; /* 字符串里的不是注释 */
\`\`\`

<details>
<summary>提示</summary>

1. 轻推一下。
2. 该用的 API：\`tracer.startSpan\`。
3. 先 \`tracer.startSpan("a")\`，再 \`span.end()\`。

</details>

## 任务 2：第二步

<details>
<summary>提示</summary>

1. 一。
2. 二。
3. \`span.end()\`

</details>

### 一个细节

## 完成之后

\`\`\`bash
# 运行它
npx tsx lessons/01-x.ts --name "a # b"
\`\`\`

\`\`\`
└── agent.run (12 ms)
\`\`\`
`;

describe("drift check, rule by rule", () => {
  let root: string;
  const check = (chinese: string): Problem[] => checkPair(root, "lessons/zh-CN/01-x.md", chinese, "lessons/01-x.md", ENGLISH);
  const good = CHINESE;
  const expectOne = (chinese: string, line: number, pattern: RegExp) => {
    const problems = check(chinese);
    assert.equal(problems.length, 1, problems.map(formatProblem).join("\n"));
    assert.equal(problems[0]!.file, "lessons/zh-CN/01-x.md");
    assert.equal(problems[0]!.line, line, formatProblem(problems[0]!));
    assert.match(problems[0]!.message, pattern);
  };

  before(() => {
    root = mkdtempSync(join(tmpdir(), "i18n-drift-"));
    for (const path of ["lessons/01-x.md", "lessons/02-y.md", "lessons/zh-CN/02-y.md", "shared/paths.ts"]) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), path.endsWith("01-x.md") ? ENGLISH : "x\n");
    }
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("a faithful translation passes: prose, headings and comments translated, a comment wrapped onto two lines", () => {
    assert.deepEqual(check(good).map(formatProblem), []);
  });

  it("stamp: missing, malformed, naming another file, or without its blank line", () => {
    expectOne(good.split("\n").slice(2).join("\n"), 1, /line 1 has no stamp/);
    expectOne(good.replace("sha256:0123456789ab", "sha256:0123"), 1, /malformed stamp/);
    expectOne(good.replace("of lessons/01-x.md", "of lessons/01-y.md"), 1, /names lessons\/01-y\.md, but this file translates lessons\/01-x\.md/);
    expectOne(good.replace(" -->\n\n", " -->\n# x\n"), 1, /line 2 must be blank/);
  });

  it("tasks: a missing task, a swapped order, and a heading not in the 任务 N： form", () => {
    expectOne(good.replace("## 任务 2：第二步", "## 第二步"), 7, /Task 1, 2, this text has 任务 1/);
    expectOne(good.replace("## 任务 1：第一步", "## 任务 9：第一步"), 7, /Task 1, 2, this text has 任务 9, 2/);
    expectOne(good.replace("## 任务 2：第二步", "## 任务 2: 第二步"), 25, /must read "## 任务 2：标题"/);
  });

  it("hints: one hint fewer, and an answer whose code span changed", () => {
    expectOne(good.replace("<summary>提示</summary>\n\n1. 一。", "<summary>Hints</summary>\n\n1. 一。"), 28, /labelled "Hints": write <summary>提示<\/summary>/);
    expectOne(good.replace("2. 二。\n", ""), 25, /任务 2 has 2 hints, the English Task 2 \(lessons\/01-x\.md:\d+\) has 3/);
    expectOne(good.replace('`tracer.startSpan("a")`，', '`tracer.startSpan(\'a\')`，'), 21, /span 1 should be/);
    // Tier 1 and 2 are prose: their code spans may be reworded around, and are not checked.
    assert.deepEqual(check(good.replace("`tracer.startSpan`。", "`startSpan`。")), []);
  });

  it("headings: a ## or ### section dropped", () => {
    expectOne(good.replace("### 一个细节\n", ""), 1, /0 "###" headings, the English has 1/);
    expectOne(good.replace("## 完成之后\n", ""), 25, /2 "##" headings, the English has 3/);
  });

  it("code: a changed line outside comments, a changed output block, a block missing, and a # inside quotes", () => {
    expectOne(good.replace('const span = tracer.startSpan("a");', 'const span = tracer.startSpan("b");'), 12, /expected "const span = tracer.startSpan\(\\"a\\"\);", found/);
    expectOne(good.replace("└── agent.run (12 ms)", "└── agent.run（12 毫秒）"), 46, /output or data and is copied unchanged/);
    expectOne(good.replace('--name "a # b"', '--name "a # 乙"'), 42, /only comments are translated/);
    expectOne(good.replace(/\n```\n└── agent\.run \(12 ms\)\n```\n/, "\n"), 40, /2 code blocks, the English has 3/);
    expectOne(good.replace("```bash\n# 运行它", "```sh\n# 运行它"), 40, /fenced as "sh", the English one .* as "bash"/);
  });

  it("links: a target that does not exist, and an English text where a Chinese one exists", () => {
    expectOne(good.replace("(../../shared/paths.ts)", "(../shared/paths.ts)"), 5, /points to lessons\/shared\/paths\.ts, which does not exist/);
    expectOne(good.replace("(02-y.md)", "(../02-y.md)"), 5, /points to the English lessons\/02-y\.md, which has a Chinese text: link to 02-y\.md instead/);
    assert.deepEqual(check(good.replace("(02-y.md)", "(https://opentelemetry.io/docs/)")), [], "URLs are not checked");
    assert.deepEqual(check(good.replace("(02-y.md)", "(../01-x.md)")), [], "a link to the text's own English source is the language switch");
  });

  it("flags an English text with no Chinese twin, and a missing glossary", () => {
    const problems = checkAll(root).filter((problem) => problem.message.startsWith("has no Chinese text") || problem.file.endsWith("glossary.md"));
    assert.deepEqual(problems.map((problem) => problem.file), ["lessons/01-x.md", "docs/zh-CN/glossary.md"]);
    assert.match(problems[0]!.message, /translate it into lessons\/zh-CN\/01-x\.md, then `npm run i18n:stamp -- lessons\/zh-CN\/01-x\.md`/);
  });
});

describe("drift check on the real English texts", () => {
  it("finds nothing wrong with a mechanical 'translation' of each (headings, hints summary, comments changed)", () => {
    for (const english of englishTexts(ROOT)) {
      const source = readFileSync(join(ROOT, english), "utf8");
      const chinese = `<!-- zh-CN translation of ${english} @ sha256:${fileHash(join(ROOT, english))} -->\n\n` + source
        .replace(/^## Task (\d+): /gm, "## 任务 $1：")
        .replace(/<summary>Hints<\/summary>/g, "<summary>提示</summary>")
        .replace(/(^|\s)\/\/ .*$/gm, "$1// 中文注释") // harmless outside ts fences too: prose rarely has " // "
        .replace(/^(\s*)# (?=[a-z])/gm, "$1# 中文注释 ");
      const problems = checkPair(ROOT, chinesePathOf(english)!, chinese, english, source).filter((problem) => !problem.message.startsWith("link "));
      assert.deepEqual(problems.map(formatProblem), [], english);
    }
  });
});

describe("the Chinese edition in this repository", () => {
  it("has a Chinese text for every English one, and each matches its source (npm run i18n:check)", () => {
    const problems = checkAll(ROOT);
    assert.equal(problems.length, 0, `🚨 the Chinese edition has drifted from English (${problems.length} problems):\n${problems.map(formatProblem).join("\n")}`);
  });
});
