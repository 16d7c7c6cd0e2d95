/**
 * The site's own words (navigation, layout, the generated parts of a lesson
 * page) in each language: one typed object per language, English the source,
 * as the learner CLI does (shared/i18n/messages.ts). Texts written by people
 * (lessons, guides, home) come from their markdown files instead.
 */
import type { Lang } from "../../shared/i18n/lang.ts";

const en = {
  siteTitle: "OpenTelemetry for AI agents",
  startHere: "Start here",
  lessons: "Lessons",
  guides: "Guides",
  previous: "← Previous",
  next: "Next →",
  previousAndNext: "Previous and next",
  skip: "Skip to content",
  showNavigation: "Show navigation",
  searchPlaceholder: "Search  ( / )",
  searchLabel: "Search the workbook",
  themeLabel: "Switch between light and dark theme",
  themeTitle: "Light / dark theme",
  /** The link to the same page in the other language, written in that language. */
  switchTo: "中文",
  switchLabel: "这一页的中文版",
  switchHomeLabel: "中文版首页（这一页还没有译文）",
  readmeTitle: "README: commands and settings",
  readmeSummary: "Every command, and the <code>OTEL_*</code> variables that every lesson honours.",
  noLessons: "No lessons yet.",
  notWritten: "_The text of this lesson is not written yet._",
  traceTitle: "The trace the solution produces",
  metricsTitle: "The metrics the solution records",
  metricsIntro: "Recorded by the same run, read from its <code>MeterProvider</code> at shutdown.",
  testsTitle: "The tests, task by task",
  testsIntro: (id: string) => `Run them with <code>npm run verify -- ${id}</code>; <code>npm run verify -- --solutions ${id}</code> runs them against the solution.`,
  taskTitle: (task: number, title: string) => `Task ${task}: ${title}`,
  codeTitle: "The code",
  codeIntro: (lessonLink: string, slug: string) => `Edit ${lessonLink} and run it with <code>npx tsx lessons/${slug}.ts</code>. Each <code>TODO(n)</code> is task n above.`,
  exerciseLabel: (slug: string) => `lessons/${slug}.ts — the exercise`,
  solutionSummary: (file: string) => `The solution: <code>${file}</code> (try the tasks first)`,
  diffSummary: "What changes from exercise to solution (diff)",
  prints: (file: string) => `What <code>npx tsx ${file}</code> prints`,
};

export type Labels = typeof en;

const zhCN: Labels = {
  siteTitle: "OpenTelemetry 与 AI Agent",
  startHere: "从这里开始",
  lessons: "课程",
  guides: "指南",
  previous: "← 上一页",
  next: "下一页 →",
  previousAndNext: "上一页与下一页",
  skip: "跳到正文",
  showNavigation: "显示导航",
  searchPlaceholder: "搜索  ( / )",
  searchLabel: "搜索本教程",
  themeLabel: "在浅色与深色主题之间切换",
  themeTitle: "浅色 / 深色主题",
  switchTo: "English",
  switchLabel: "This page in English",
  switchHomeLabel: "The English edition's home page",
  readmeTitle: "README：命令与设置",
  readmeSummary: "所有命令，以及每一课都遵循的 <code>OTEL_*</code> 环境变量。",
  noLessons: "还没有课程。",
  notWritten: "_本课的中文文本还没有写好。_",
  traceTitle: "参考答案产生的 trace",
  metricsTitle: "参考答案记录的指标",
  metricsIntro: "由同一次运行记录，在关闭时从它的 <code>MeterProvider</code> 读出。",
  testsTitle: "测试，按任务列出",
  testsIntro: (id) => `用 <code>npm run verify -- ${id}</code> 运行它们；<code>npm run verify -- --solutions ${id}</code> 针对参考答案运行。`,
  taskTitle: (task, title) => `任务 ${task}：${title}`,
  codeTitle: "代码",
  codeIntro: (lessonLink, slug) => `编辑 ${lessonLink}，用 <code>npx tsx lessons/${slug}.ts</code> 运行。每个 <code>TODO(n)</code> 对应上面的任务 n。`,
  exerciseLabel: (slug) => `lessons/${slug}.ts —— 练习`,
  solutionSummary: (file) => `参考答案：<code>${file}</code>（先自己试试这些任务）`,
  diffSummary: "从练习到参考答案改了什么（diff）",
  prints: (file) => `<code>npx tsx ${file}</code> 的输出`,
};

export const LABELS: Record<Lang, Labels> = { en, "zh-CN": zhCN };
