/**
 * The learner commands in both languages, run the way a learner runs them
 * (a child process in a throw-away copy). The Chinese text is a fixture
 * (shared/i18n/fixtures/01-setup.zh-CN.md) so these tests do not depend on
 * the translation's progress.
 */
import { after, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../paths.ts";
import { copyWorkbook, processesIn, runCli, startCli, type Copy } from "./cli-fixture.ts";
import { cleanSolution } from "../authoring/derive.ts";

const FIXTURE = join(ROOT, "shared/i18n/fixtures/01-setup.zh-CN.md");
const ZH = { WORKBOOK_LANG: "zh-CN" };

describe("the learner CLI in Chinese and English", { concurrency: 1 }, () => {
  let copy: Copy;
  const withChinese = () => {
    mkdirSync(copy.path("lessons/zh-CN"), { recursive: true });
    cpSync(FIXTURE, copy.path("lessons/zh-CN/01-setup.md"));
  };
  before(() => (copy = copyWorkbook(["01"])));
  after(() => copy.remove());
  beforeEach(() => {
    rmSync(copy.path(".workbook"), { recursive: true, force: true });
    withChinese();
  });

  it("hint: the Chinese text's task and hints with WORKBOOK_LANG=zh-CN, the English ones without", () => {
    const zh = runCli(copy, "hint", ["01"], ZH);
    assert.equal(zh.status, 0, zh.output);
    assert.match(zh.stdout, /第 01 课 · 任务 1：构建资源/);
    assert.match(zh.stdout, /提示 1\/3（轻推一下）/);
    assert.match(zh.stdout, /SDK 自己的属性从哪里来/);
    assert.doesNotMatch(zh.stdout, /Hint|build the resource/);

    rmSync(copy.path(".workbook"), { recursive: true, force: true });
    const en = runCli(copy, "hint", ["01"]);
    assert.match(en.stdout, /Lesson 01 · Task 1: build the resource/);
    assert.match(en.stdout, /Hint 1\/3 \(a nudge\)/);
    assert.doesNotMatch(en.stdout, /任务|提示/);
  });

  it("follows the system locale: zh_CN speaks Chinese, zh_TW (Traditional) stays English", () => {
    const locale = (LANG: string) => runCli(copy, "hint", ["01", "2"], { WORKBOOK_LANG: "", LC_ALL: "", LC_MESSAGES: "", LANG }).stdout;
    assert.match(locale("zh_CN.UTF-8"), /任务 2：创建 tracer provider/);
    assert.match(locale("zh_TW.UTF-8"), /Task 2: create the tracer provider/);
  });

  it("an unknown WORKBOOK_LANG gets one line naming the accepted values, then English", () => {
    const run = runCli(copy, "hint", ["01"], { WORKBOOK_LANG: "klingon" });
    assert.equal(run.status, 0, run.output);
    assert.match(run.stderr, /WORKBOOK_LANG="klingon" .*accepted values: en, zh-CN\. Using English\./);
    assert.match(run.stdout, /Task 1: build the resource/);
  });

  it("a lesson without a Chinese text falls back to English, with one line saying so", () => {
    rmSync(copy.path("lessons/zh-CN/01-setup.md"));
    const run = runCli(copy, "hint", ["01"], ZH);
    assert.equal(run.status, 0, run.output);
    const notices = run.stdout.split("\n").filter((line) => line.includes("还没有中文版"));
    assert.equal(notices.length, 1, run.stdout);
    assert.match(notices[0]!, /lessons\/zh-CN\/01-setup\.md/);
    assert.match(run.stdout, /任务 1：build the resource/, "the sentences stay Chinese, the text is the English one");
  });

  it("start: the progress table, the next lesson and the commands in Chinese", () => {
    const run = runCli(copy, "start", [], ZH);
    assert.equal(run.status, 0, run.output);
    assert.match(run.stdout, /你的进度/);
    assert.match(run.stdout, /01 {2}初始化 .*未开始/);
    assert.match(run.stdout, /下一步：第 01 课 · 初始化：resource/);
    assert.match(run.stdout, /第一个未完成的任务：任务 1 · 构建资源/);
    assert.match(run.stdout, /阅读 +lessons\/zh-CN\/01-setup\.md/);
  });

  it("verify: Chinese task titles and progress line; the tests' 🚨 messages stay English", () => {
    const run = runCli(copy, "verify", ["01"], ZH);
    assert.equal(run.status, 1, run.output);
    assert.match(run.stdout, /第 01 课 · 初始化/);
    assert.match(run.stdout, /✗ 任务 1 {2}构建资源/);
    assert.match(run.stdout, /已完成 0\/5 个任务。下一步：lessons\/01-setup\.ts 中的 TODO\(1\)，讲解见 lessons\/zh-CN\/01-setup\.md。/);
    assert.match(run.stdout, /🚨 [\x20-\x7e]/, "a 🚨 message in English");
  });

  it("watch: its report and sentences in Chinese, then moving on when the lesson passes", async () => {
    const watch = startCli(copy, "watch", ["01"], ZH);
    try {
      await watch.waitFor("正在监视 lessons/01-setup.ts：保存后会再次检查。");
      assert.match(watch.output(), /正在检查 lessons\/01-setup\.ts/);
      assert.match(watch.output(), /── 测试/);
      assert.match(watch.output(), /✗ 任务 1 {2}构建资源/);
      writeFileSync(copy.path("lessons/01-setup.ts"), cleanSolution(readFileSync(copy.path("solutions/01-setup.ts"), "utf8")));
      assert.equal(await watch.exited, 0, watch.output());
      assert.match(watch.output(), /所有课程都已完成。🎉/);
    } finally {
      watch.child.kill("SIGKILL");
      rmSync(copy.path("lessons/01-setup.ts"), { force: true });
      runCli(copy, "reset", ["01", "--yes"]);
    }
    assert.deepEqual(processesIn(copy), []);
  });

  it("diff and reset speak Chinese", () => {
    const diff = runCli(copy, "diff", ["01"], ZH);
    assert.equal(diff.status, 1, diff.output);
    assert.match(diff.stderr, /还没有开始，所以它的 diff 就是完整的参考答案/);
    const reset = runCli(copy, "reset", ["01", "--yes"], ZH);
    assert.equal(reset.status, 0, reset.output);
    assert.match(reset.stdout, /lessons\/01-setup\.ts 已经是初始版本，无需操作。/);
  });
});
